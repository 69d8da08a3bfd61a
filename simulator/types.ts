/**
 * Public types of the ISC simulator: start options, fault knobs, seed data, the request log and the
 * typed admin surface. The HTTP /__sim API takes and returns these same shapes as JSON.
 */
import type {
  Account,
  AttributeDefinitionType,
  SourceClassificationStatus,
  TaskStatus,
} from "../provider/client/types";

export interface SimulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Tenant content; default: {@link demoSeed}. */
  seed?: SeedData;
  /** How long async tasks (create, put, delete, enable, ..., CSV load) take to complete. Default 200. */
  taskDelayMs?: number;
  /** Access token lifetime reported in `expires_in` and enforced. Default 749 s, as ISC. */
  tokenTtlSeconds?: number;
  /** Per client id per budget (v3, v2025, accounts/v1, ...). Default 100 per 10 000 ms; false turns it off. */
  rateLimit?: { requestsPerWindow: number; windowMs: number } | false;
  /** Multiplies the rate-limit window (0.1 -> a 10 s window lasts 1 s). Retry-After stays whole seconds, at least 1. */
  timeScale?: number;
  /**
   * How the per-service paths share rate budgets; SailPoint does not document it. "separate"
   * (default): each service+version (`accounts/v1`, `sources/v1`, ...) has its own budget, as each
   * API version does. "shared": all per-service paths of one version count against one budget.
   */
  perServiceRateBudget?: "separate" | "shared";
  /**
   * API versions whose responses carry `X-Deprecated: true`, as SailPoint's deprecated endpoints do
   * (FIELD-NOTES, "API versions"), e.g. ["v3"] or ["v3", "v2025"]. Default: none.
   */
  deprecatedApiVersions?: readonly string[];
  faults?: Partial<FaultConfig>;
  /** Account identity rules of the tenant; override the seed's `settings`. */
  tenant?: Partial<TenantSettings>;
  /** Access log, one line per request. Never carries the Authorization header, query values or bodies. */
  log?: (line: string) => void;
}

/**
 * How the tenant treats nativeIdentity, where ISC's documentation is silent (see README.md,
 * "Choices where ISC is unspecified"); both ways are simulated so the provider is tested against each.
 */
export interface TenantSettings {
  /**
   * "sensitive" (default): `nativeIdentity` filters and uniqueness compare exactly; "insensitive": they ignore case.
   */
  nativeIdentityCase: "sensitive" | "insensitive";
  /**
   * false (default): a POST for an existing nativeIdentity updates that account (ISC's documented
   * upsert). true: it makes a second account, as a tenant that does not merge would, and seed and
   * admin may hold several accounts with one nativeIdentity.
   */
  duplicateCreates: boolean;
}

export interface FaultConfig {
  /** Added to every API response. */
  latencyMs: number;
  /** Share (0..1) of API requests answered 500 or 503 before anything is done. */
  errorRate: number;
  /** Share (0..1) of mutating API requests that are applied and then answered 500. */
  errorAfterApplyRate: number;
  /** Share (0..1) of API requests whose socket is destroyed without an answer (nothing is applied). */
  resetRate: number;
  /** The next N API requests get 429 with Retry-After: 1. */
  rateLimitBurst: number;
  /** Share (0..1) of tasks that end in completionStatus ERROR. */
  taskErrorRate: number;
  /**
   * Account tasks whose "<operation> <nativeIdentity>" (e.g. "create jdoe", "disable jdoe") contains this string end in
   * ERROR ("" or absent: off).
   */
  failTasksMatching?: string;
  /** If > 0, tokens issued from now on stop working after this many ms (expires_in still says the TTL). */
  tokenExpiryMs: number;
  /** Created accounts stay invisible, deleted ones stay visible, for this long after their task completes. */
  visibilityDelayMs: number;
  /** A finished task shows `completed` but `completionStatus: null` for this long. */
  completedBeforeStatusMs: number;
  /** A finished task shows `completed` but `completionStatus: null` to this many polls (GET or list) first. */
  completedBeforeStatusPolls: number;
  /**
   * Off by default. On: any change to an account while another task on it runs (including
   * enable/disable right after a PATCH) answers 400 "pending task". No SailPoint source documents
   * this; it models a stricter tenant so the provider's handling of it stays tested.
   */
  pendingTaskRefusal: boolean;
  /**
   * The escalating 429 SailPoint documents for some routes: each violation of a client's budget is
   * answered with Retry-After 60, then 300, 600, 1200 s (then 1200 again), and every request of that
   * client and budget is refused until it has passed (the penalty runs on the timeScale clock).
   */
  escalatingRetryAfter: boolean;
  /** Retry-After as an HTTP-date (RFC 9110 §10.2.3) instead of seconds. */
  retryAfterHttpDate: boolean;
}

export interface SeedClient {
  clientId: string;
  clientSecret: string;
  /** A client without write authority: every non-GET API call answers 403. */
  readOnly?: boolean;
}

export interface SeedAttribute {
  name: string;
  type?: AttributeDefinitionType;
  isMulti?: boolean;
  isEntitlement?: boolean;
  isGroup?: boolean;
  description?: string;
}

export interface SeedSource {
  id?: string;
  name: string;
  /** "DelimitedFile" (default) or any other ISC source type, e.g. "Active Directory - Direct". */
  type?: string;
  description?: string;
  identityAttribute: string;
  /** Default: the identity attribute. */
  displayAttribute?: string;
  attributes?: SeedAttribute[];
  /** Identity id of the source owner; default: the first identity. */
  ownerId?: string;
}

export interface SeedIdentity {
  id?: string;
  name: string;
}

export type SeedAttributeValue = string | number | boolean | null | Array<string | number | boolean>;

export interface SeedAccount {
  id?: string;
  /** Source id; `sourceName` may be given instead. */
  sourceId?: string;
  sourceName?: string;
  /** Default: attributes[identityAttribute]. */
  nativeIdentity?: string;
  attributes?: Record<string, SeedAttributeValue>;
  identityId?: string | null;
  manuallyCorrelated?: boolean;
  disabled?: boolean;
  locked?: boolean;
  /** Default AGGREGATED. */
  origin?: "AGGREGATED" | "PROVISIONED";
}

export interface SeedData {
  clients?: SeedClient[];
  sources?: SeedSource[];
  identities?: SeedIdentity[];
  accounts?: SeedAccount[];
  /** The tenant's account identity rules; on a reseed, settings not named keep their current value. */
  settings?: Partial<TenantSettings>;
}

export interface RequestLogEntry {
  /** ISO time the request arrived. */
  time: string;
  method: string;
  /** Path without query string. */
  path: string;
  /** Query parameters; values of secret-looking keys are replaced by "[REDACTED]". */
  query: Record<string, string>;
  /** 0 when the connection was reset by fault injection. */
  status: number;
  /** "v3" | "v2025" | "accounts/v1" | "sources/v1" | "task-status/v1" | "oauth" | "admin" | "unknown". */
  budget: string;
  clientId?: string;
  durationMs: number;
}

/** Account fields an out-of-band change (as an aggregation or an admin would) may set. */
export interface AdminAccountInput {
  id?: string;
  sourceId: string;
  nativeIdentity?: string;
  attributes?: Record<string, SeedAttributeValue>;
  identityId?: string | null;
  manuallyCorrelated?: boolean;
  disabled?: boolean;
  locked?: boolean;
}

export interface AdminAccountPatch {
  /** Merged into the current attributes; null deletes a key. */
  attributes?: Record<string, SeedAttributeValue>;
  disabled?: boolean;
  locked?: boolean;
  /** null uncorrelates. */
  identityId?: string | null;
  manuallyCorrelated?: boolean;
}

export interface SourceSummary {
  id: string;
  name: string;
  type: string;
  identityAttribute: string;
  displayAttribute: string;
  attributes: Array<Required<SeedAttribute>>;
}

export interface SimulatorState {
  clients: Array<{ clientId: string; readOnly: boolean }>;
  sources: SourceSummary[];
  identities: Array<{ id: string; name: string }>;
  /** Every account as stored right now, ignoring visibility delays and pending tasks. */
  accounts: Account[];
  tasks: TaskStatus[];
  classifications: Record<string, SourceClassificationStatus>;
  pendingAccountIds: string[];
  faults: FaultConfig;
  settings: TenantSettings;
}

/** Out-of-band changes, applied at once (no task, no visibility delay, no pending check). */
export interface SimulatorAdmin {
  listAccounts(sourceId?: string): Account[];
  getAccount(id: string): Account | undefined;
  /** Adds an account as an aggregation would (origin AGGREGATED). Throws SimulatorAdminError. */
  createAccount(input: AdminAccountInput): Account;
  /** Throws SimulatorAdminError (status 404) for an unknown id. */
  updateAccount(id: string, patch: AdminAccountPatch): Account;
  /** False when there was no such account. */
  deleteAccount(id: string): boolean;
  /** Replaces everything: clients, sources, identities, accounts; clears tasks and classifications. */
  seed(data: SeedData): void;
  state(): SimulatorState;
}

export interface RunningSimulator {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  clients: Array<{ clientId: string; clientSecret: string }>;
  setFaults(faults: Partial<FaultConfig>): void;
  resetFaults(): void;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  admin: SimulatorAdmin;
  expireAllTokens(): void;
  /** Every bearer token issued so far (the last 10 000), valid or not: for checks that none leaks. */
  issuedTokens(): string[];
  /** Finishes every running task now (see TaskRunner.completeRunning); returns how many. */
  completeTasks(): number;
  /**
   * true: no task completes by itself until completeTasks() or holdTasks(false) (which finishes those that came due).
   */
  holdTasks(hold: boolean): void;
  stop(): Promise<void>;
}
