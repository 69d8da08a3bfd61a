/**
 * The ISC client: one request path composed of small layers (pipeline.ts), outermost first:
 * retry (5xx, resets; never an ambiguous create) -> error mapping -> deprecation warning ->
 * throttling (every 429) -> auth (401 renewal) -> rate-limit slot -> transport (token taken here).
 * Every endpoint function goes through `request` or `paginate`, so these rules hold for all of them.
 */
import { authLayer, clientCredentialsFetcher, tokenSourceFor } from "./auth";
import { deprecationLayer } from "./deprecation";
import { ConfigurationError, errorLayer, redactSecrets } from "./errors";
import { createHttp, queryString, transport } from "./http";
import { paginate, type PaginateOptions } from "./paginate";
import { compose, type IscResponse, type RequestOptions } from "./pipeline";
import { DEFAULT_RATE_LIMIT, limiterFor, type RateLimitConfig, type SlidingWindowLimiter } from "./rate-limit";
import { DEFAULT_RETRY_POLICY, retryLayer, validateRetryPolicy, type RetryCounters, type RetryPolicy } from "./retry";
import { budgetOf, resolveRoute, type ApiGeneration, type RouteName } from "./routes";
import type { ConnectionSettings } from "./settings";
import {
  DEFAULT_MAX_RETRY_AFTER_SECONDS,
  MAX_RETRY_AFTER_BOUND_SECONDS,
  rateLimitLayer,
  throttleLayer,
} from "./throttle";

export type { IscResponse, RequestOptions } from "./pipeline";
export { MAX_PAGE_SIZE } from "./paginate";
export type { PaginateOptions } from "./paginate";

/** How the user sets an option, quoted in errors and warnings (the Pulumi layer says `isc:...`). */
export interface OptionSettingNames {
  maxRetryAfterSeconds: string;
  generation: string;
}

const CLIENT_OPTION_NAMES: OptionSettingNames = {
  maxRetryAfterSeconds: "the client option maxRetryAfterSeconds",
  generation: "the client option generation",
};

export interface ClientOptions {
  generation?: ApiGeneration;
  /** Client-side limit per budget; `false` turns it off. Default 95 requests per 10 000 ms. */
  rateLimit?: RateLimitConfig | false;
  retry?: Partial<RetryPolicy>;
  /** Per HTTP request. Default 60 000 ms. */
  timeoutMs?: number;
  /**
   * The longest Retry-After the client waits out, in seconds (0..86 400); a 429 asking for more
   * fails at once with RetryAfterTooLongError. Default 120.
   */
  maxRetryAfterSeconds?: number;
  /** How the caller's users set these options, for messages. */
  settingNames?: Partial<OptionSettingNames>;
  /** Receives one line per request (method, path, status, duration) and warnings; never headers or bodies. */
  logger?: (line: string) => void;
  /**
   * Receives warnings meant for the user (X-Deprecated, 429 waits of 5 s or more, requests still
   * failing with 5xx or resets 5 s after their first failure). Default: the logger
   * if given, else stderr (in the plugin, the Pulumi CLI prints it).
   */
  warn?: (line: string) => void;
  userAgent?: string;
}

export interface ClientStats {
  /** HTTP requests sent, per rate-limit budget (retries included, token requests not). */
  requests: Record<string, number>;
  /** 429 answers received. */
  throttled: number;
  retries: number;
}

export interface IscClient {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly generation: ApiGeneration;
  request<T>(route: RouteName, opts?: RequestOptions): Promise<IscResponse<T>>;
  /** Every item of a listing (see paginate.ts for the stop rules). */
  paginate<T>(route: RouteName, opts?: PaginateOptions<T>): Promise<T[]>;
  /**
   * Resolves when a request on this route's rate-limit budget would be sent at once (see
   * SlidingWindowLimiter.whenIdle).
   */
  whenIdle(route: RouteName): Promise<void>;
  stats(): ClientStats;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_USER_AGENT = `pulumi-isc-accounts (node ${process.version})`;

export function createIscClient(settings: ConnectionSettings, options: ClientOptions = {}): IscClient {
  const generation = options.generation ?? "versioned";
  const policy = validateRetryPolicy({ ...DEFAULT_RETRY_POLICY, ...options.retry });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new ConfigurationError("timeoutMs must be a positive number of milliseconds");
  const maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? DEFAULT_MAX_RETRY_AFTER_SECONDS;
  const names = { ...CLIENT_OPTION_NAMES, ...options.settingNames };
  if (!(maxRetryAfterSeconds >= 0 && maxRetryAfterSeconds <= MAX_RETRY_AFTER_BOUND_SECONDS)) {
    throw new ConfigurationError(
      `${names.maxRetryAfterSeconds} must be from 0 to ${MAX_RETRY_AFTER_BOUND_SECONDS} seconds`,
    );
  }
  const rateLimit = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit;

  const seenTokens = new Set<string>();
  const secrets = () => [settings.clientSecret, ...seenTokens];
  const log = (line: string) => options.logger?.(redactSecrets(line, secrets()));
  const toUser = options.warn ?? options.logger ?? ((line: string) => process.stderr.write(`${line}\n`));
  const warn = (line: string) => toUser(redactSecrets(line, secrets()));
  const rememberToken = (token: string) => {
    if (seenTokens.size > 16) seenTokens.clear();
    seenTokens.add(token);
  };

  const http = createHttp({ timeoutMs, userAgent: options.userAgent ?? DEFAULT_USER_AGENT });
  const tokens = tokenSourceFor(settings, clientCredentialsFetcher(http, settings, log));
  const counters: RetryCounters = { retries: 0, throttled: 0 };
  const requestsPerBudget: Record<string, number> = {};
  const limiters = new Map<string, SlidingWindowLimiter>();

  const limiterOf = (budget: string): SlidingWindowLimiter | undefined => {
    if (rateLimit === false) return undefined;
    let l = limiters.get(budget);
    if (!l) {
      l = limiterFor({ baseUrl: settings.baseUrl, clientId: settings.clientId, budget }, rateLimit);
      limiters.set(budget, l);
    }
    return l;
  };

  const send = compose(
    retryLayer(policy, counters, log, warn),
    errorLayer(secrets),
    deprecationLayer(warn, names.generation),
    throttleLayer({
      limiterOf,
      maxRetryAfterSeconds,
      maxRetryAfterSetting: names.maxRetryAfterSeconds,
      maxElapsedMs: policy.maxElapsedMs,
      minDelayMs: policy.minDelayMs,
      maxDelayMs: policy.maxDelayMs,
      onThrottled: (retrying) => {
        counters.throttled++;
        if (retrying) counters.retries++;
      },
      log,
      notice: warn,
    }),
    authLayer(tokens, rememberToken),
    rateLimitLayer(limiterOf),
  )(
    transport(http, {
      target: { baseUrl: settings.baseUrl, baseUrlOrigin: settings.origins?.baseUrl },
      secrets,
      log,
      onSent: ({ route }) => (requestsPerBudget[route.budget] = (requestsPerBudget[route.budget] ?? 0) + 1),
    }),
  );

  const client: IscClient = {
    baseUrl: settings.baseUrl,
    clientId: settings.clientId,
    generation,
    request: async <T>(name: RouteName, opts: RequestOptions = {}): Promise<IscResponse<T>> => {
      const route = resolveRoute(name, opts.params, generation);
      const url = `${settings.baseUrl}${route.path}${queryString(opts.query)}`;
      return (await send({ route, url, opts })) as IscResponse<T>;
    },
    paginate: <T>(name: RouteName, opts?: PaginateOptions<T>) => paginate<T>(client, name, opts),
    whenIdle: async (name) => limiterOf(budgetOf(name, generation))?.whenIdle(),
    stats: () => ({ requests: { ...requestsPerBudget }, throttled: counters.throttled, retries: counters.retries }),
  };
  return client;
}
