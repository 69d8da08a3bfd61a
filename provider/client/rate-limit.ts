/**
 * Client-side rate limiting. ISC allows 100 requests per client id per API version per 10 s; every
 * client object in the process that talks to the same tenant with the same client id shares one
 * sliding window per budget, so many Pulumi resources running in one plugin process stay under it.
 */
import { MAX_TIMER_MS } from "./throttle";

export interface RateLimitConfig {
  requestsPerWindow: number;
  windowMs: number;
}

/** A little under ISC's 100 per 10 s, leaving room for clock skew and other callers. */
export const DEFAULT_RATE_LIMIT: Readonly<RateLimitConfig> = { requestsPerWindow: 95, windowMs: 10_000 };

export interface BudgetKey {
  baseUrl: string;
  clientId: string;
  budget: string;
}

/** Marks the end of a request that holds a slot (its response arrived, or it failed). */
export type ReleaseSlot = () => void;

interface Slot {
  /** When the request ended; undefined while it is in flight. */
  endedAt?: number;
}

/**
 * Grants requests in arrival order, at most `requestsPerWindow` within any `windowMs` span.
 *
 * A slot counts from its grant until `windowMs` after its request ENDED, not after it was granted:
 * the server counts a request when it arrives, which can be any time up to the response (a burst
 * of new connections arrives spread out, the next burst on warm connections arrives at once), so
 * only the end time bounds the server's view from the safe side.
 */
export class SlidingWindowLimiter {
  private config: RateLimitConfig;
  private slots: Slot[] = [];
  private readonly waiting: Array<(release: ReleaseSlot) => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(config: RateLimitConfig) {
    this.config = validateConfig(config);
  }

  reconfigure(config: RateLimitConfig): void {
    if (config.requestsPerWindow === this.config.requestsPerWindow && config.windowMs === this.config.windowMs) return;
    this.config = validateConfig(config);
    this.pump();
  }

  /** Resolves when the caller may send one request; call the returned function when it has ended. */
  acquire(): Promise<ReleaseSlot> {
    return new Promise<ReleaseSlot>((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
  }

  /**
   * Resolves when a request would be granted at once: nobody is queued and a slot is free. Batching
   * callers wait for this before they seal a batch, so that the time a batch would have spent queued
   * is spent collecting more keys instead (the batch grows with the pressure on the budget).
   */
  whenIdle(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.pump();
    });
  }

  /** ISC said "429, Retry-After": hold every caller of this budget until `untilEpochMs`. */
  pauseUntil(untilEpochMs: number): void {
    if (untilEpochMs <= this.pausedUntil) return;
    this.pausedUntil = untilEpochMs;
    this.reschedule(untilEpochMs - Date.now());
  }

  /** Number of callers waiting for a slot (for tests and diagnostics). */
  get queued(): number {
    return this.waiting.length;
  }

  private pump(): void {
    while (this.waiting.length > 0 || this.idleWaiters.length > 0) {
      const now = Date.now();
      if (now < this.pausedUntil) return this.reschedule(this.pausedUntil - now);
      const windowStart = now - this.config.windowMs;
      this.slots = this.slots.filter((s) => s.endedAt === undefined || s.endedAt > windowStart);
      if (this.slots.length >= this.config.requestsPerWindow) {
        const ended = this.slots.filter((s) => s.endedAt !== undefined).map((s) => s.endedAt!);
        // With every slot in flight, the next release pumps; otherwise the oldest end frees one.
        if (ended.length > 0) this.reschedule(Math.min(...ended) + this.config.windowMs - now);
        return;
      }
      if (this.waiting.length === 0) {
        for (const resolve of this.idleWaiters.splice(0)) resolve();
        return;
      }
      const slot: Slot = {};
      this.slots.push(slot);
      this.waiting.shift()!(() => {
        if (slot.endedAt !== undefined) return;
        slot.endedAt = Date.now();
        this.pump();
      });
    }
  }

  private reschedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      // A pause far ahead must not overflow the timer (Node would fire it after 1 ms, and spin).
      Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(delayMs))),
    );
  }
}

function validateConfig(config: RateLimitConfig): RateLimitConfig {
  const ok = (n: number) => Number.isFinite(n) && n > 0;
  if (!ok(config.requestsPerWindow) || !ok(config.windowMs) || !Number.isInteger(config.requestsPerWindow)) {
    throw new RangeError(`rate limit needs a positive integer requestsPerWindow and a positive windowMs`);
  }
  return { ...config };
}

const limiters = new Map<string, SlidingWindowLimiter>();

/**
 * The process-wide limiter of one budget. A later caller with a different config reconfigures the
 * shared limiter (the newest setting wins) rather than getting a private, uncoordinated one.
 */
export function limiterFor(key: BudgetKey, config: RateLimitConfig = DEFAULT_RATE_LIMIT): SlidingWindowLimiter {
  const id = JSON.stringify([key.baseUrl, key.clientId, key.budget]);
  const existing = limiters.get(id);
  if (existing) {
    existing.reconfigure(config);
    return existing;
  }
  const limiter = new SlidingWindowLimiter(config);
  limiters.set(id, limiter);
  return limiter;
}
