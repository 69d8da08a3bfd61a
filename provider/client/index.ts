/** The ISC HTTP client: knows nothing of Pulumi. */
export { resolveConnectionSettings, envVarHint, SETTING_ENV_VARS, isLoopbackHost } from "./settings";
export type { ConnectionSettings, SettingName, SettingHint } from "./settings";
export {
  IscApiError,
  IscNetworkError,
  ConfigurationError,
  AmbiguousCreateError,
  TaskFailedError,
  TaskTimeoutError,
  redactSecrets,
} from "./errors";
export type { TaskStateSummary } from "./errors";
export { createIscClient, MAX_PAGE_SIZE } from "./request";
export type { ClientOptions, IscClient, IscResponse, RequestOptions, PaginateOptions, ClientStats } from "./request";
export type { RateLimitConfig } from "./rate-limit";
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
} from "./accounts";
export type { ListAccountsQuery } from "./accounts";
export { getSource, listSourceSchemas, getAccountSchema } from "./sources";
export { getTaskStatus, listTaskStatuses } from "./tasks";
export { loadUncorrelatedAccounts, startClassification, getClassification, cancelClassification } from "./jobs";
export { waitForTask, taskOutcome } from "./task-waiter";
export type { WaitForTaskOptions, TaskOutcome } from "./task-waiter";
export { createAccountReader, accountReaderFor } from "./account-reader";
export type { AccountReader, AccountReaderOptions } from "./account-reader";
export { ROUTES, resolveRoute } from "./routes";
export type { ApiGeneration, RouteName, ResolvedRoute, HttpMethod } from "./routes";
export * from "./types";
