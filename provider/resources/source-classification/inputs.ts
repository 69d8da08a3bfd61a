/** SourceClassification inputs: validation with messages naming the field, and run options. */
import {
  numberRangeFailure,
  sourceIdFailure,
  unknownInputFailures,
  type CheckFailure,
} from "../shared/source-job-checks";
import { isUnknown } from "../shared/unknown";

type Raw = Record<string, unknown>;

export const CLASSIFICATION_INPUTS = ["sourceId", "trigger", "timeoutSeconds", "pollIntervalMs"] as const;

export const DEFAULT_TIMEOUT_SECONDS = 1800;
export const DEFAULT_POLL_INTERVAL_MS = 2000;

export interface ClassificationRunOptions {
  timeoutMs: number;
  pollIntervalMs: number;
}

/** Shape checks, no I/O. */
export function validateClassificationInputs(inputs: Raw): CheckFailure[] {
  const failures = unknownInputFailures(inputs, CLASSIFICATION_INPUTS);
  const trigger = inputs.trigger;
  const checks = [
    sourceIdFailure(inputs),
    trigger !== undefined && trigger !== null && !isUnknown(trigger) && typeof trigger !== "string"
      ? {
          property: "trigger",
          reason:
            `trigger must be a string (any value; a change runs classification again), got ` +
            `${JSON.stringify(trigger)}`,
        }
      : undefined,
    numberRangeFailure(inputs, "timeoutSeconds", 1, 86400, "seconds"),
    numberRangeFailure(inputs, "pollIntervalMs", 50, 60000, "milliseconds"),
  ];
  for (const failure of checks) if (failure) failures.push(failure);
  return failures;
}

export function classificationRunOptionsFrom(inputs: Raw): ClassificationRunOptions {
  const timeout = typeof inputs.timeoutSeconds === "number" ? inputs.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
  const poll = typeof inputs.pollIntervalMs === "number" ? inputs.pollIntervalMs : DEFAULT_POLL_INTERVAL_MS;
  return { timeoutMs: timeout * 1000, pollIntervalMs: poll };
}
