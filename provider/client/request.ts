/**
 * The one request path of the ISC client: route -> rate limit -> token -> HTTP -> error mapping ->
 * retry, with one token renewal on 401. Every endpoint function goes through `request` or
 * `paginate`, so these rules hold for all of them.
 */
import type { AxiosInstance } from "axios";
import { clientCredentialsFetcher, tokenSourceFor, type TokenSource } from "./auth";
import { apiErrorFromResponse, ConfigurationError, networkErrorFrom, redactSecrets } from "./errors";
import { createHttp, flatHeaders, FRESH_CONNECTION, queryString, type QueryValues } from "./http";
import { DEFAULT_RATE_LIMIT, limiterFor, type RateLimitConfig, type SlidingWindowLimiter } from "./rate-limit";
import { DEFAULT_RETRY_POLICY, validateRetryPolicy, withRetry, type RetryCounters, type RetryPolicy } from "./retry";
import { budgetOf, resolveRoute, type ApiGeneration, type ResolvedRoute, type RouteName } from "./routes";
import type { ConnectionSettings } from "./settings";

export interface ClientOptions {
  generation?: ApiGeneration;
  /** Client-side limit per budget; `false` turns it off. Default 95 requests per 10 000 ms. */
  rateLimit?: RateLimitConfig | false;
  retry?: Partial<RetryPolicy>;
  /** Per HTTP request. Default 60 000 ms. */
  timeoutMs?: number;
  /** Receives one line per request (method, path, status, duration) and warnings; never headers or bodies. */
  logger?: (line: string) => void;
  userAgent?: string;
}

export interface RequestOptions {
  params?: Record<string, string>;
  query?: QueryValues;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface IscResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

export interface PaginateOptions {
  params?: Record<string, string>;
  query?: QueryValues;
  /** Items per page, at most 250 (ISC's maximum); default 250. */
  pageSize?: number;
  onPage?: (itemsSoFar: number) => void;
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
  paginate<T>(route: RouteName, opts?: PaginateOptions): Promise<T[]>;
  /** Resolves when a request on this route's rate-limit budget would be sent at once (see SlidingWindowLimiter.whenIdle). */
  whenIdle(route: RouteName): Promise<void>;
  stats(): ClientStats;
}

export const MAX_PAGE_SIZE = 250;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_USER_AGENT = `pulumi-isc-accounts (node ${process.version})`;

export function createIscClient(settings: ConnectionSettings, options: ClientOptions = {}): IscClient {
  const generation = options.generation ?? "versioned";
  const policy = validateRetryPolicy({ ...DEFAULT_RETRY_POLICY, ...options.retry });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new ConfigurationError("timeoutMs must be a positive number of milliseconds");
  const rateLimit = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit;

  const seenTokens = new Set<string>();
  const secrets = () => [settings.clientSecret, ...seenTokens];
  const log = (line: string) => options.logger?.(redactSecrets(line, secrets()));

  const http = createHttp({ timeoutMs, userAgent: options.userAgent ?? DEFAULT_USER_AGENT });
  const tokens = tokenSourceFor(settings, clientCredentialsFetcher(http, settings, log));
  const counters: RetryCounters = { retries: 0, throttled: 0 };
  const requestsPerBudget: Record<string, number> = {};
  const limiters = new Map<string, SlidingWindowLimiter>();
  const deprecationWarned = new Set<RouteName>();

  const limiter = (budget: string): SlidingWindowLimiter | undefined => {
    if (rateLimit === false) return undefined;
    let l = limiters.get(budget);
    if (!l) {
      l = limiterFor({ baseUrl: settings.baseUrl, clientId: settings.clientId, budget }, rateLimit);
      limiters.set(budget, l);
    }
    return l;
  };

  const currentToken = async (source: TokenSource): Promise<string> => {
    const token = await source.getToken();
    if (seenTokens.size > 16) seenTokens.clear();
    seenTokens.add(token);
    return token;
  };

  const send = async (route: ResolvedRoute, url: string, opts: RequestOptions, token: string): Promise<IscResponse<unknown>> => {
    const releaseSlot = await limiter(route.budget)?.acquire();
    requestsPerBudget[route.budget] = (requestsPerBudget[route.budget] ?? 0) + 1;
    const started = Date.now();
    const res = await sendHttp(http, route, url, opts, token)
      .catch((err: unknown) => {
        const error = networkErrorFrom(err, route.method, route.path, secrets());
        log(`ISC ${route.method} ${route.path} ${error.code} ${Date.now() - started}ms`);
        throw error;
      })
      .finally(() => releaseSlot?.());
    log(`ISC ${route.method} ${route.path} ${res.status} ${Date.now() - started}ms`);
    return res;
  };

  const request = async <T>(name: RouteName, opts: RequestOptions = {}): Promise<IscResponse<T>> => {
    const route = resolveRoute(name, opts.params, generation);
    const url = `${settings.baseUrl}${route.path}${queryString(opts.query)}`;
    return withRetry(
      async () => {
        let token = await currentToken(tokens);
        let res = await send(route, url, opts, token);
        if (res.status === 401) {
          // The token may have been revoked or expired early: renew once and send once more; a
          // second 401 is an answer about the request, not the token. (Per attempt: a retry after
          // a long Retry-After wait may legitimately find the renewed token expired as well.)
          tokens.invalidate(token);
          token = await currentToken(tokens);
          res = await send(route, url, opts, token);
        }
        if (res.headers["x-deprecated"]?.toLowerCase() === "true" && !deprecationWarned.has(name)) {
          deprecationWarned.add(name);
          log(`ISC warning: ${route.method} ${route.path} answered X-Deprecated: true; SailPoint plans to retire this endpoint (see ApiGeneration "per-service")`);
        }
        if (res.status >= 200 && res.status < 300) return res as IscResponse<T>;
        const error = apiErrorFromResponse({ method: route.method, path: route.path, status: res.status, body: res.data, headers: res.headers }, secrets());
        if (res.status === 429 && error.retryAfterSeconds !== undefined) {
          limiter(route.budget)?.pauseUntil(Date.now() + error.retryAfterSeconds * 1000);
        }
        throw error;
      },
      { request: { method: route.method, path: route.path, creates: route.creates }, policy, counters, log },
    );
  };

  const paginate = async <T>(name: RouteName, opts: PaginateOptions = {}): Promise<T[]> => {
    const pageSize = opts.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new ConfigurationError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    const items: T[] = [];
    for (let offset = 0; ; ) {
      const { data } = await request<T[]>(name, { params: opts.params, query: { ...opts.query, limit: pageSize, offset } });
      if (!Array.isArray(data)) throw new Error(`ISC ${name} returned a page that is not a JSON array`);
      items.push(...data);
      opts.onPage?.(items.length);
      // A short page is the last one; an empty page also ends a listing whose size is a multiple of the page size.
      if (data.length < pageSize) return items;
      offset += data.length;
    }
  };

  return {
    baseUrl: settings.baseUrl,
    clientId: settings.clientId,
    generation,
    request,
    paginate,
    whenIdle: async (name) => limiter(budgetOf(name, generation))?.whenIdle(),
    stats: () => ({ requests: { ...requestsPerBudget }, throttled: counters.throttled, retries: counters.retries }),
  };
}

async function sendHttp(http: AxiosInstance, route: ResolvedRoute, url: string, opts: RequestOptions, token: string): Promise<IscResponse<unknown>> {
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  if (route.experimental) headers["X-SailPoint-Experimental"] = "true";
  // A FormData body gets its multipart content type, with the boundary, from axios.
  if (opts.body !== undefined && !(opts.body instanceof FormData)) headers["Content-Type"] = opts.contentType ?? "application/json";
  headers["Authorization"] = `Bearer ${token}`;
  const res = await http.request({ method: route.method, url, data: opts.body, headers, ...(route.creates ? FRESH_CONNECTION : {}) });
  return { status: res.status, data: res.data, headers: flatHeaders(res.headers as Record<string, unknown>) };
}
