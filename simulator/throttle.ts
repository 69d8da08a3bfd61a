/**
 * How the simulator answers 429: `Retry-After` in whole seconds as ISC sends it (FIELD-NOTES, "Rate
 * limit"), or as an HTTP-date (RFC 9110 §10.2.3, the header's other legal form) under the
 * `retryAfterHttpDate` fault; and, under the `escalatingRetryAfter` fault, the escalating penalty
 * SailPoint documents for some routes: 60, 300, 600, then 1200 s for each further violation,
 * during which every request of that client and budget is refused.
 */
import type { FaultConfig } from "./types";

/** SailPoint's escalation steps, in seconds (FIELD-NOTES, "Some routes answer 429 with escalating Retry-After"). */
export const ESCALATION_STEPS_SECONDS: readonly number[] = [60, 300, 600, 1200];

interface Penalty {
  level: number;
  untilMs: number;
}

export interface ThrottleAnswer {
  status: 429;
  body: { message: string };
  headers: { "Retry-After": string };
}

/** Retry-After in whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

export class Throttle {
  private readonly penalties = new Map<string, Penalty>();

  constructor(
    private readonly faults: () => Readonly<FaultConfig>,
    /** The rate-limit clock's scale (SimulatorOptions.timeScale): a 60 s penalty lasts 60 * timeScale s. */
    private readonly timeScale: number,
  ) {}

  /** A 429 when `key` is serving an escalation penalty (escalatingRetryAfter only), else undefined. */
  penalty(key: string, now: number = Date.now()): ThrottleAnswer | undefined {
    if (!this.faults().escalatingRetryAfter) {
      this.penalties.clear();
      return undefined;
    }
    const penalty = this.penalties.get(key);
    return penalty && penalty.untilMs > now ? this.answer(penalty.untilMs - now, now) : undefined;
  }

  /** The 429 for a request refused by the rate limit (or a 429 fault); `waitMs` is when the window frees. */
  refuse(key: string, waitMs: number, now: number = Date.now()): ThrottleAnswer {
    if (!this.faults().escalatingRetryAfter) return this.answer(waitMs, now);
    const level = Math.min((this.penalties.get(key)?.level ?? 0) + 1, ESCALATION_STEPS_SECONDS.length);
    const penaltyMs = ESCALATION_STEPS_SECONDS[level - 1] * 1000 * this.timeScale;
    this.penalties.set(key, { level, untilMs: now + penaltyMs });
    return this.answer(penaltyMs, now);
  }

  private answer(waitMs: number, now: number): ThrottleAnswer {
    const seconds = retryAfterSeconds(waitMs);
    // An HTTP-date has whole-second resolution: round up so a client never retries early.
    const value = this.faults().retryAfterHttpDate
      ? new Date(Math.ceil((now + seconds * 1000) / 1000) * 1000).toUTCString()
      : String(seconds);
    return { status: 429, body: { message: "Rate Limit Exceeded" }, headers: { "Retry-After": value } };
  }
}
