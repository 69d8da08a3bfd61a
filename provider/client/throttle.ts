/**
 * Everything about ISC's rate limit in one module: the client-side slot each request takes from the
 * shared limiter, and every 429 answer (Retry-After parsed as seconds or HTTP date, bounded, the
 * shared limiter paused, the request sent again). A 429 means ISC did not process the request, so
 * even a creating POST is safe to send again.
 *
 * ISC: "100 requests per client id per API version per 10 s; 429 with Retry-After in seconds", and
 * some routes escalate Retry-After to 60/300/600/1200 s (../shared/FIELD-NOTES.md). A wait longer
 * than `maxRetryAfterSeconds` fails at once: the Pulumi CLI has no deadline of its own, so waiting
 * an hour would look like a hung pipeline.
 */
import { sleep, type IscResponse, type Layer } from "./pipeline";
import type { SlidingWindowLimiter } from "./rate-limit";
import { waitNotices } from "./wait-notice";

/** Waits ISC may ask for that the client sits out by default; longer ones fail fast. */
export const DEFAULT_MAX_RETRY_AFTER_SECONDS = 120;
/** The largest bound accepted: one day (Node timers overflow at 2^31 ms, about 24.8 days). */
export const MAX_RETRY_AFTER_BOUND_SECONDS = 86_400;
/** Node's setTimeout treats longer delays as 1 ms (TimeoutOverflowWarning): never ask for more. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 10.2.3); returns whole seconds
 * >= 0, or undefined when absent or unreadable. A date far ahead gives a large number, which the
 * bound turns into an error, never into a timer.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** Full jitter: uniformly random in [0, min(maxDelay, minDelay * 2^retryIndex)]; for a 429 without Retry-After. */
export function backoffDelayMs(
  retryIndex: number,
  delays: { minDelayMs: number; maxDelayMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(delays.maxDelayMs, delays.minDelayMs * 2 ** retryIndex);
  return Math.round(random() * ceiling);
}

/** ISC asked for a longer wait than the configured bound. */
export class RetryAfterTooLongError extends Error {
  override readonly name = "RetryAfterTooLongError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly retryAfterSeconds: number,
    readonly maxRetryAfterSeconds: number,
    /** How the user raises the bound, e.g. `isc:maxRetryAfterSeconds`. */
    readonly settingName: string,
  ) {
    super(
      `ISC ${method} ${path} was rate limited (429) and ISC asked to wait ${retryAfterSeconds} s, longer than ` +
        `the ${maxRetryAfterSeconds} s this client waits: failing now instead of holding the run. The request was ` +
        `not processed. Run again later, or raise ${settingName} (at most ${MAX_RETRY_AFTER_BOUND_SECONDS}) to ` +
        `wait it out.`,
    );
  }
}

/** Takes a slot of the shared limiter for the time the request is on the wire (see SlidingWindowLimiter). */
export function rateLimitLayer(limiterOf: (budget: string) => SlidingWindowLimiter | undefined): Layer {
  return (next) => async (request) => {
    const release = await limiterOf(request.route.budget)?.acquire();
    try {
      return await next(request);
    } finally {
      release?.();
    }
  };
}

/**
 * A 429 that arrived as an error rather than a response: the token request's (auth.ts maps its
 * answers itself). Checked by shape, as errors.ts (IscApiError) imports this module.
 */
interface ThrottledError {
  status: 429;
  method: string;
  path: string;
  retryAfterSeconds?: number;
}

function isThrottledError(err: unknown): err is ThrottledError {
  const fields = err as Partial<ThrottledError>;
  return err instanceof Error && fields.status === 429 && typeof fields.path === "string";
}

export interface ThrottleOptions {
  limiterOf: (budget: string) => SlidingWindowLimiter | undefined;
  maxRetryAfterSeconds: number;
  /** How the user raises `maxRetryAfterSeconds`, quoted in RetryAfterTooLongError. */
  maxRetryAfterSetting: string;
  /** No throttled retry starts after this much time since the first try; the last 429 is returned. */
  maxElapsedMs: number;
  /** Backoff for a 429 without Retry-After. */
  minDelayMs: number;
  maxDelayMs: number;
  onThrottled: (retrying: boolean) => void;
  log: (line: string) => void;
  /**
   * Told once per budget when a 429 holds it for NOTICE_WAIT_MS or more, so a long wait never looks
   * like a hung run (wait-notice.ts).
   */
  notice?: (line: string) => void;
  random?: () => number;
}

/**
 * Sends again after each 429, waiting what ISC asked for. The wait pauses the shared limiter of the
 * budget (every other caller holds too: ISC counts per client id, not per request) and then this
 * caller sleeps it out; a 429 that cannot be waited out within the bounds is returned for the error
 * layer, or fails fast with RetryAfterTooLongError.
 */
export function throttleLayer(options: ThrottleOptions): Layer {
  const random = options.random ?? Math.random;
  // Per budget (or token endpoint): callers throttled together make one wait, told once.
  const tellWait = waitNotices(options.notice);
  const tell = (
    key: string,
    holdsBudget: boolean,
    method: string,
    path: string,
    waitMs: number,
    retryAfter: boolean,
  ) => {
    const holds = holdsBudget ? `every ${key} request of this client waits` : "getting a token waits";
    tellWait(
      key,
      waitMs,
      (until) =>
        `ISC rate limit: ${method} ${path} answered 429; ${holds} ${Math.round(waitMs / 1000)} s ` +
        `(${retryAfter ? "Retry-After" : "backoff"}), until ${until.toISOString()}`,
    );
  };
  return (next) => async (request) => {
    const started = Date.now();
    for (let throttled = 0; ; throttled++) {
      let giveUp: () => IscResponse<unknown>;
      let method: string = request.route.method;
      let path = request.route.path;
      let retryAfterSeconds: number | undefined;
      try {
        const res = await next(request);
        if (res.status !== 429) return res;
        retryAfterSeconds = parseRetryAfter(res.headers["retry-after"]);
        giveUp = () => res;
      } catch (err) {
        if (!isThrottledError(err)) throw err;
        ({ method, path, retryAfterSeconds } = err);
        giveUp = () => {
          throw err;
        };
      }
      if (retryAfterSeconds !== undefined && retryAfterSeconds > options.maxRetryAfterSeconds) {
        options.onThrottled(false);
        throw new RetryAfterTooLongError(
          method,
          path,
          retryAfterSeconds,
          options.maxRetryAfterSeconds,
          options.maxRetryAfterSetting,
        );
      }
      const waitMs =
        retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : backoffDelayMs(throttled, options, random);
      if (Date.now() - started + waitMs >= options.maxElapsedMs) {
        options.onThrottled(false);
        return giveUp();
      }
      options.onThrottled(true);
      // The token endpoint is not in the API's budget: only the API's own 429 holds its other callers.
      const holdsBudget = path === request.route.path;
      if (holdsBudget) options.limiterOf(request.route.budget)?.pauseUntil(Date.now() + waitMs);
      tell(
        holdsBudget ? request.route.budget : path,
        holdsBudget,
        method,
        path,
        waitMs,
        retryAfterSeconds !== undefined,
      );
      options.log(`ISC ${method} ${path}: throttled (429), sending again in ${waitMs} ms`);
      await sleep(Math.min(waitMs, MAX_TIMER_MS));
    }
  };
}
