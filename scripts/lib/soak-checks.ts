/** The soak's fault mix and its pass/fail checks. */
import type { FaultConfig } from "../../simulator";
import type { Reconciliation } from "./accounting";
import type { SoakOptions } from "./options";

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

/** The fault mix on the scaled clock: ~errorRate of requests fail with 5xx, 30% of those after being applied. */
export function soakFaults(
  options: Pick<SoakOptions, "errorRate" | "taskErrorRate" | "timeScale">,
): Partial<FaultConfig> {
  return {
    errorRate: options.errorRate * 0.7,
    errorAfterApplyRate: options.errorRate * 0.3,
    resetRate: 0.02,
    taskErrorRate: options.taskErrorRate,
    tokenExpiryMs: Math.round(60_000 * options.timeScale),
    visibilityDelayMs: Math.round(2_000 * options.timeScale),
    completedBeforeStatusMs: Math.round(500 * options.timeScale),
  };
}

export interface SoakOutcome {
  failures: number;
  unclear: number;
  /** Where a secret (client secret, a token) was seen: errors, what the CLI prints, state. */
  leaking: string[];
  converged: boolean;
  injected: { serverErrorsOrResets: number; throttled: number };
}

export function soakChecks(r: Reconciliation, o: SoakOutcome): Check[] {
  const zero = (name: string, count: number): Check => ({ name, pass: count === 0, detail: String(count) });
  return [
    zero("duplicates (same source + nativeIdentity twice)", r.duplicates.length),
    zero("orphans (on the tenant, unknown to state)", r.orphans.length),
    zero("missing (declared, not on the tenant)", r.missing.length),
    zero("phantoms (in state, not on the tenant)", r.phantoms.length),
    zero("strays (in state, no longer declared)", r.strays.length),
    zero("drifted (wrong id or attributes)", r.drifted.length),
    {
      name: "every failure names its account or task",
      pass: o.unclear === 0,
      detail: `${o.failures - o.unclear} of ${o.failures}`,
    },
    {
      name: "no secret in errors, plugin output or state",
      pass: o.leaking.length === 0,
      detail: o.leaking.length === 0 ? "none" : o.leaking.join(", "),
    },
    {
      name: "faults were injected",
      pass: o.injected.serverErrorsOrResets > 0 && o.injected.throttled > 0,
      detail: `${o.injected.serverErrorsOrResets} 5xx/resets, ${o.injected.throttled} x 429`,
    },
    { name: "convergence (clean up, then nothing to do)", pass: o.converged, detail: o.converged ? "yes" : "no" },
  ];
}
