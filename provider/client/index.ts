/** The ISC HTTP client: knows nothing of Pulumi. */
export {
  resolveConnectionSettings,
  envVarHint,
  SETTING_ENV_VARS,
  isLoopbackHost,
  describeSetting,
  BASE_URL_EXAMPLE,
} from "./settings";
export type { ConnectionSettings, SettingName, SettingHint, ExplicitOrigin } from "./settings";
export {
  IscApiError,
  IscNetworkError,
  ConfigurationError,
  AmbiguousCreateError,
  TaskFailedError,
  TaskTimeoutError,
  TaskStatusUnreachableError,
  redactSecrets,
} from "./errors";
export { RetryAfterTooLongError, DEFAULT_MAX_RETRY_AFTER_SECONDS, MAX_RETRY_AFTER_BOUND_SECONDS } from "./throttle";
export type { TaskStateSummary } from "./errors";
export { createIscClient, MAX_PAGE_SIZE } from "./request";
export type {
  ClientOptions,
  IscClient,
  IscResponse,
  RequestOptions,
  PaginateOptions,
  ClientStats,
  OptionSettingNames,
} from "./request";
export { firstPage, paginate, listPages } from "./paginate";
export type { Page } from "./paginate";
export { DEFAULT_RATE_LIMIT } from "./rate-limit";
export type { RateLimitConfig } from "./rate-limit";
export { DEFAULT_RETRY_POLICY, mayHaveBeenApplied } from "./retry";
export type { RetryPolicy } from "./retry";
export { clearTokenCache } from "./auth";
export { eq, isIn, sw, and, literal, chunkInValues } from "./filters";
export type { FilterValue } from "./filters";
export {
  listAccounts,
  getAccount,
  createAccount,
  putAccount,
  patchAccount,
  deleteAccount,
  enableAccount,
  disableAccount,
  unlockAccount,
  reloadAccount,
  listAccountEntitlements,
  taskIdOf,
  TaskIdMissingError,
} from "./accounts";
export type { ListAccountsQuery } from "./accounts";
export { getSource, listSourceSchemas, getAccountSchema } from "./sources";
export { getTaskStatus, listTaskStatuses } from "./tasks";
export { loadUncorrelatedAccounts, startClassification, getClassification, cancelClassification } from "./jobs";
export {
  waitForTask,
  taskOutcome,
  DEFAULT_TASK_WAIT,
  DEFAULT_TASK_TIMEOUT_SECONDS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_MAX_POLL_INTERVAL_MS,
} from "./task-waiter";
export type { WaitForTaskOptions, TaskOutcome } from "./task-waiter";
export { ROUTES, resolveRoute } from "./routes";
export type { ApiGeneration, RouteName, ResolvedRoute, HttpMethod } from "./routes";
export * from "./types";
