/** Fault injection settings and the random decisions made from them. */
import type { FaultConfig } from "./types";

export const NO_FAULTS: Readonly<FaultConfig> = Object.freeze({
  latencyMs: 0,
  errorRate: 0,
  errorAfterApplyRate: 0,
  resetRate: 0,
  rateLimitBurst: 0,
  taskErrorRate: 0,
  tokenExpiryMs: 0,
  visibilityDelayMs: 0,
  completedBeforeStatusMs: 0,
  completedBeforeStatusPolls: 0,
  pendingTaskRefusal: false,
  escalatingRetryAfter: false,
  retryAfterHttpDate: false,
});

const RATES = ["errorRate", "errorAfterApplyRate", "resetRate", "taskErrorRate"] as const;
const DURATIONS = [
  "latencyMs",
  "rateLimitBurst",
  "tokenExpiryMs",
  "visibilityDelayMs",
  "completedBeforeStatusMs",
  "completedBeforeStatusPolls",
] as const;
/** Of DURATIONS, those that count something and are rounded down to whole numbers. */
const COUNTS: ReadonlySet<string> = new Set(["rateLimitBurst", "completedBeforeStatusPolls"]);
const SWITCHES = ["pendingTaskRefusal", "escalatingRetryAfter", "retryAfterHttpDate"] as const;

export class FaultConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultConfigError";
  }
}

/** Checks a partial fault config; unknown keys and out-of-range values throw FaultConfigError. */
export function validateFaults(input: unknown): Partial<FaultConfig> {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    throw new FaultConfigError("faults must be an object");
  const result: Partial<FaultConfig> = {};
  for (const [key, value] of Object.entries(input)) {
    if ((RATES as readonly string[]).includes(key)) {
      if (typeof value !== "number" || !(value >= 0 && value <= 1))
        throw new FaultConfigError(`${key} must be a number from 0 to 1`);
      result[key as (typeof RATES)[number]] = value;
    } else if ((DURATIONS as readonly string[]).includes(key)) {
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
        throw new FaultConfigError(`${key} must be a number >= 0`);
      result[key as (typeof DURATIONS)[number]] = COUNTS.has(key) ? Math.floor(value) : value;
    } else if ((SWITCHES as readonly string[]).includes(key)) {
      if (typeof value !== "boolean") throw new FaultConfigError(`${key} must be true or false`);
      result[key as (typeof SWITCHES)[number]] = value;
    } else if (key === "failTasksMatching") {
      if (value !== null && value !== undefined && typeof value !== "string")
        throw new FaultConfigError("failTasksMatching must be a string");
      result.failTasksMatching = typeof value === "string" && value !== "" ? value : undefined;
    } else {
      throw new FaultConfigError(`unknown fault "${key}"`);
    }
  }
  return result;
}

export class FaultInjector {
  private current: FaultConfig = { ...NO_FAULTS };

  constructor(
    initial: Partial<FaultConfig> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.set(initial);
  }

  get config(): Readonly<FaultConfig> {
    return this.current;
  }

  set(partial: Partial<FaultConfig>): void {
    const checked = validateFaults(partial);
    this.current = { ...this.current, ...checked };
    if (Object.prototype.hasOwnProperty.call(checked, "failTasksMatching") && checked.failTasksMatching === undefined) {
      delete this.current.failTasksMatching;
    }
  }

  reset(): void {
    this.current = { ...NO_FAULTS };
  }

  /** True with probability `rate`. */
  roll(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }

  /** Consumes one request of an injected 429 burst. */
  takeRateLimitBurst(): boolean {
    if (this.current.rateLimitBurst <= 0) return false;
    this.current = { ...this.current, rateLimitBurst: this.current.rateLimitBurst - 1 };
    return true;
  }

  /** Whether a finishing task should end in ERROR, and why. */
  taskFailure(subject: string | undefined): string | undefined {
    const pattern = this.current.failTasksMatching;
    if (pattern && subject !== undefined && subject.includes(pattern))
      return `Simulated failure: "${subject}" matches failTasksMatching`;
    if (this.roll(this.current.taskErrorRate)) return "Simulated failure: task error injected by taskErrorRate";
    return undefined;
  }
}
