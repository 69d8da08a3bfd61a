/**
 * When to repeat a failed ISC request: transient failures (5xx, resets, timeouts) with p-retry's
 * exponential backoff, bounded in attempts and in total time; a connection that cannot be made at
 * all only a few times, quickly (a wrong URL or a stopped tenant must not hold a run for long).
 * A request that creates something is never repeated when the first try may have reached ISC:
 * that is how other clients create duplicates. 429s never get here: throttle.ts waits them out.
 */
import pRetry, { AbortError } from "p-retry";
import { AmbiguousCreateError, IscApiError, IscNetworkError } from "./errors";
import type { Layer } from "./pipeline";
import { NOTICE_WAIT_MS } from "./wait-notice";

export interface RetryPolicy {
  /** Total tries including the first. */
  attempts: number;
  /** No retry starts after this much time since the first try (429 waits count too). */
  maxElapsedMs: number;
  /** First backoff delay; each next one doubles (times a random 1..2), up to maxDelayMs. */
  minDelayMs: number;
  maxDelayMs: number;
  /** Total tries when no connection could be made (refused, host unreachable): the request was never sent. */
  connectAttempts: number;
}

/** With these, a refused connection fails after 3 tries within about 3 s (0.5-1 s, then 1-2 s of backoff). */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  attempts: 8,
  maxElapsedMs: 300_000,
  minDelayMs: 500,
  maxDelayMs: 30_000,
  connectAttempts: 3,
};

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

/** retry: send again; reconnect: send again, within `connectAttempts`; ambiguous: a create that may have applied. */
export type FailureKind = "retry" | "reconnect" | "ambiguous" | "fail";

const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);
const IN_FLIGHT_NETWORK_CODES = new Set(["ECONNRESET", "ETIMEDOUT", "ECONNABORTED", "EPIPE"]);

/**
 * What a failure says about the server, independent of any request: `throttled` (429), `server`
 * (5xx), `connect` (no connection made), `dropped` (the connection broke or timed out mid-request),
 * or undefined for an answer about the request itself (4xx, bad data, a bug).
 */
export type TransientKind = "throttled" | "server" | "connect" | "dropped";

export function transientKind(error: unknown): TransientKind | undefined {
  if (error instanceof IscApiError) {
    if (error.status === 429) return "throttled";
    return RETRYABLE_STATUSES.has(error.status) ? "server" : undefined;
  }
  if (error instanceof IscNetworkError) {
    if (error.connectFailure) return "connect";
    return IN_FLIGHT_NETWORK_CODES.has(error.code) ? "dropped" : undefined;
  }
  return undefined;
}

/**
 * A throttle (429), 5xx or network failure: a state of the server worth waiting out, not an answer about the request.
 */
export function isTransientFailure(error: unknown): boolean {
  return transientKind(error) !== undefined;
}

/** A failure of this very request, not of the token request made for it. */
function isFailureOf(error: unknown, request: Pick<RetriedRequest, "method" | "path">): boolean {
  return (
    (error instanceof IscApiError || error instanceof IscNetworkError) &&
    error.method === request.method &&
    error.path === request.path
  );
}

/**
 * A failure after which ISC may have applied the request: a 5xx or a connection dropped mid-request,
 * of the request itself (a failing token request means the request was never sent).
 */
export function mayHaveBeenApplied(error: unknown, request: Pick<RetriedRequest, "method" | "path">): boolean {
  const kind = transientKind(error);
  return (kind === "server" || kind === "dropped") && isFailureOf(error, request);
}

export function classifyFailure(error: unknown, request: RetriedRequest): FailureKind {
  switch (transientKind(error)) {
    case "server":
    case "dropped":
      return request.creates && mayHaveBeenApplied(error, request) ? "ambiguous" : "retry";
    case "connect": {
      // No connection, nothing sent: safe to repeat even a create. A wrong host name or a server
      // that does not speak TLS will not change its mind: fail at once.
      const failure = (error as IscNetworkError).connectFailure;
      return failure === "refused" || failure === "unreachable" ? "reconnect" : "fail";
    }
    default:
      // A 429 reaches here only when throttle.ts gave up on it (its time budget is spent).
      return "fail";
  }
}

export function validateRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const { attempts, maxElapsedMs, minDelayMs, maxDelayMs, connectAttempts } = policy;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError("retry.attempts must be an integer >= 1");
  if (!Number.isInteger(connectAttempts) || connectAttempts < 1)
    throw new RangeError("retry.connectAttempts must be an integer >= 1");
  if (!(maxElapsedMs >= 0) || !(minDelayMs >= 0) || !(maxDelayMs >= minDelayMs)) {
    throw new RangeError("retry delays must be >= 0 with maxDelayMs >= minDelayMs");
  }
  return { ...policy };
}

export interface RetryOptions {
  request: RetriedRequest;
  policy: RetryPolicy;
  counters: RetryCounters;
  log?: (line: string) => void;
  /** Called before each retry: the user is told of a request that keeps failing (retryNotices). */
  onRetry?: (retry: RetryingRequest) => void;
}

/** A request about to be sent again. */
export interface RetryingRequest {
  request: RetriedRequest;
  error: Error;
  /** Tries made so far. */
  tries: number;
  /** The most tries this kind of failure gets (fewer for a connection that cannot be made). */
  maxTries: number;
  /** Since its first failure (not its first try: time queued for a rate-limit slot is no failure). */
  failingMs: number;
  /** No try starts after this time (ms since the epoch): the policy's total time from the first try. */
  lastStartAt: number;
}

/** How long a budget's retries stay untold after one was told, while its requests keep failing. */
export const RETRY_NOTICE_QUIET_MS = 30_000;

/** "answered 503" or "failed (ECONNRESET)", naming the failed request when it is not the one retried (the token). */
function failureInBrief(error: Error, request: RetriedRequest): string {
  const other =
    (error instanceof IscApiError || error instanceof IscNetworkError) && !isFailureOf(error, request)
      ? `: getting a token, ${error.method} ${error.path}`
      : "";
  if (error instanceof IscApiError) return `${other} answered ${error.status}`;
  if (error instanceof IscNetworkError) return `${other} failed (${error.code})`;
  return " failed";
}

/**
 * Tells the user of a request still failing NOTICE_WAIT_MS after its first failure, so that a tenant
 * answering 5xx never looks like a hung run; at most once per budget every RETRY_NOTICE_QUIET_MS (a
 * failing tenant fails all requests alike). The line names the request, its last failure, and the
 * tries and time retrying has left.
 */
export function retryNotices(notice: (line: string) => void): (budget: string, retry: RetryingRequest) => void {
  const toldAt = new Map<string, number>();
  return (budget, retry) => {
    const now = Date.now();
    if (retry.failingMs < NOTICE_WAIT_MS || now < (toldAt.get(budget) ?? -Infinity) + RETRY_NOTICE_QUIET_MS) return;
    toldAt.set(budget, now);
    const { request, error, tries, maxTries, failingMs, lastStartAt } = retry;
    notice(
      `ISC request failing: ${request.method} ${request.path}${failureInBrief(error, request)} ` +
        `(${tries} ${tries === 1 ? "try" : "tries"}, failing for ${Math.round(failingMs / 1000)} s); ` +
        `it is sent again with backoff: at most ${maxTries - tries} more, ` +
        `none started after about ${new Date(lastStartAt).toISOString()}`,
    );
  };
}

/** Runs `attempt` until it succeeds or the policy says stop; p-retry does the counting and the waiting. */
export function withRetry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { request, policy, counters, log, onRetry } = options;
  const started = Date.now();
  let firstFailureAt: number | undefined;
  return pRetry(
    async (attemptNumber) => {
      try {
        return await attempt();
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        const kind = classifyFailure(error, request);
        if (kind === "ambiguous") {
          throw new AbortError(
            new AmbiguousCreateError(request.method, request.path, error as IscApiError | IscNetworkError),
          );
        }
        if (kind === "fail" || (kind === "reconnect" && attemptNumber >= policy.connectAttempts))
          throw new AbortError(error);
        throw error;
      }
    },
    {
      retries: policy.attempts - 1,
      minTimeout: policy.minDelayMs,
      maxTimeout: policy.maxDelayMs,
      factor: 2,
      randomize: true,
      maxRetryTime: policy.maxElapsedMs,
      shouldRetry: ({ error, attemptNumber }) => {
        counters.retries++;
        log?.(`ISC ${request.method} ${request.path}: retry ${attemptNumber} after: ${error.message}`);
        const now = Date.now();
        firstFailureAt ??= now;
        onRetry?.({
          request,
          error,
          tries: attemptNumber,
          maxTries: transientKind(error) === "connect" ? policy.connectAttempts : policy.attempts,
          failingMs: now - firstFailureAt,
          lastStartAt: started + policy.maxElapsedMs,
        });
        return true;
      },
    },
  );
}

/** The retry layer of the request path (see pipeline.ts). */
export function retryLayer(
  policy: RetryPolicy,
  counters: RetryCounters,
  log: (line: string) => void,
  notice?: (line: string) => void,
): Layer {
  const tellRetry = notice && retryNotices(notice);
  return (next) => (request) => {
    const { method, path, creates, budget } = request.route;
    const onRetry = tellRetry && ((retry: RetryingRequest) => tellRetry(budget, retry));
    return withRetry(() => next(request), { request: { method, path, creates }, policy, counters, log, onRetry });
  };
}
