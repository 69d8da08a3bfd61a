/**
 * ISC's rate limit: a sliding window of N requests per client id per budget (each API version counts
 * separately; how per-service paths are grouped is the `perServiceRateBudget` setting). Refused
 * requests do not count.
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
