/**
 * ISC's rate limit: a sliding window of N requests per client id per budget (each API version, and
 * each per-service path, counts separately). Refused requests do not count.
 */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export class SlidingWindowRateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(
    private readonly requestsPerWindow: number,
    private readonly windowMs: number,
  ) {}

  tryAcquire(key: string, now: number = Date.now()): RateDecision {
    let times = this.windows.get(key);
    if (!times) {
      times = [];
      this.windows.set(key, times);
    }
    const windowStart = now - this.windowMs;
    let expired = 0;
    while (expired < times.length && times[expired] <= windowStart) expired++;
    if (expired > 0) times.splice(0, expired);
    if (times.length >= this.requestsPerWindow) {
      return { allowed: false, retryAfterMs: times[times.length - this.requestsPerWindow] + this.windowMs - now };
    }
    times.push(now);
    return { allowed: true };
  }

  clear(): void {
    this.windows.clear();
  }
}

/** Retry-After in whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
