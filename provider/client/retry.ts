/**
 * When to repeat a failed ISC request. Throttling (429) and transient failures (5xx, resets,
 * timeouts) are retried with exponential backoff and full jitter, bounded in attempts and in
 * total time. A request that creates something is never repeated when the first try may have
 * reached ISC: that is how other clients create duplicates.
 */
import pRetry, { AbortError } from "p-retry";
import { AmbiguousCreateError, IscApiError, IscNetworkError } from "./errors";

export interface RetryPolicy {
  /**
   * Total tries including the first, counting failures only: a 429 is ISC asking to wait, not a
   * failure, so throttled tries are bounded by `maxElapsedMs` alone (a 429 burst must not use up
   * the attempts meant for 5xx and resets).
   */
  attempts: number;
  /** No retry starts after this much time since the first try. */
  maxElapsedMs: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = { attempts: 8, maxElapsedMs: 300_000, minDelayMs: 500, maxDelayMs: 30_000 };

export interface RetryCounters {
  retries: number;
  /** 429 answers received. */
  throttled: number;
}

/** The request being retried; failures of other requests made for it (the token) are never ambiguous. */
export interface RetriedRequest {
  method: string;
  path: string;
  creates: boolean;
}

export type FailureKind = "retry" | "ambiguous" | "fail";

const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);
const RETRYABLE_NETWORK_CODES = new Set(["ECONNRESET", "ETIMEDOUT", "ECONNABORTED", "EPIPE", "ECONNREFUSED"]);

export function classifyFailure(error: unknown, request: RetriedRequest): FailureKind {
  const ofThisRequest =
    (error instanceof IscApiError || error instanceof IscNetworkError) && error.method === request.method && error.path === request.path;
  const mayHaveBeenApplied = request.creates && ofThisRequest ? "ambiguous" : "retry";
  if (error instanceof IscApiError) {
    if (error.status === 429) return "retry";
    if (RETRYABLE_STATUSES.has(error.status)) return mayHaveBeenApplied;
    return "fail";
  }
  if (error instanceof IscNetworkError) {
    // A refused connection never carried the request: safe to repeat even a create.
    if (error.code === "ECONNREFUSED") return "retry";
    if (RETRYABLE_NETWORK_CODES.has(error.code)) return mayHaveBeenApplied;
  }
  return "fail";
}

/** A throttle (429), 5xx or dropped connection: worth waiting out, as opposed to an answer about the request. */
export function isTransientFailure(error: unknown): boolean {
  return classifyFailure(error, { method: "", path: "", creates: false }) !== "fail";
}

/** Full jitter: uniformly random in [0, min(maxDelay, minDelay * 2^retryIndex)]. */
export function backoffDelayMs(retryIndex: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** retryIndex);
  return Math.round(random() * ceiling);
}

/** Retry-After when ISC sent one (it knows when the window reopens), else backoff. */
function delayBeforeRetry(error: Error, retryIndex: number, policy: RetryPolicy, random: () => number): number {
  if (error instanceof IscApiError && error.status === 429 && error.retryAfterSeconds !== undefined) {
    return error.retryAfterSeconds * 1000;
  }
  return backoffDelayMs(retryIndex, policy, random);
}

export interface RetryOptions {
  request: RetriedRequest;
  policy: RetryPolicy;
  counters: RetryCounters;
  log?: (line: string) => void;
  random?: () => number;
}

export function validateRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const { attempts, maxElapsedMs, minDelayMs, maxDelayMs } = policy;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError("retry.attempts must be an integer >= 1");
  if (!(maxElapsedMs >= 0) || !(minDelayMs >= 0) || !(maxDelayMs >= minDelayMs)) {
    throw new RangeError("retry delays must be >= 0 with maxDelayMs >= minDelayMs");
  }
  return { ...policy };
}

export async function withRetry<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { request, policy, counters, log } = options;
  const random = options.random ?? Math.random;
  const started = Date.now();
  let failures = 0;
  return pRetry(
    async (attemptNumber) => {
      try {
        return await attempt(attemptNumber);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        if (error instanceof IscApiError && error.status === 429) counters.throttled++;
        const kind = classifyFailure(error, request);
        if (kind === "ambiguous") {
          throw new AbortError(new AmbiguousCreateError(request.method, request.path, error as IscApiError | IscNetworkError));
        }
        if (kind === "fail") throw new AbortError(error);
        throw error;
      }
    },
    {
      retries: Infinity,
      // p-retry only counts and bounds; this module decides the delay (full jitter, Retry-After).
      minTimeout: 0,
      factor: 1,
      maxRetryTime: policy.maxElapsedMs,
      shouldRetry: async ({ error, retriesConsumed }) => {
        const throttled = error instanceof IscApiError && error.status === 429;
        if (!throttled && ++failures >= policy.attempts) return false;
        // The backoff grows with failures, not with 429s (whose wait ISC states in Retry-After).
        const delay = delayBeforeRetry(error, Math.max(0, failures - 1), policy, random);
        const remaining = policy.maxElapsedMs - (Date.now() - started);
        // Waiting past the time budget only to give up afterwards helps no one: fail now.
        if (delay >= remaining) return false;
        counters.retries++;
        log?.(`ISC ${request.method} ${request.path}: retry ${retriesConsumed + 1} in ${delay} ms after: ${error.message}`);
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        return true;
      },
    },
  );
}
