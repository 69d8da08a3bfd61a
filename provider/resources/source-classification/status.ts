/** Reading ISC's classification status: counts, whether a run is still going, and how to say it. */
import type { ClassificationStatus, SourceClassificationStatus } from "../../client/types";

export interface ClassificationCounts {
  /** Accounts on the source. */
  expected: number;
  /** Accounts sent for processing. */
  received: number;
  /** Accounts classified. */
  completed: number;
}

const RUNNING: ReadonlySet<string> = new Set<ClassificationStatus>(["STARTED", "COLLECTED"]);
const FAILED: ReadonlySet<string> = new Set<ClassificationStatus>(["CANCELLED", "TERMINATED"]);

export function isRunning(status: SourceClassificationStatus | undefined): boolean {
  return status?.status !== undefined && RUNNING.has(status.status);
}

export function hasFailed(status: SourceClassificationStatus | undefined): boolean {
  return status?.status !== undefined && FAILED.has(status.status);
}

export function countsOf(status: SourceClassificationStatus | undefined): ClassificationCounts {
  const c = status?.counts;
  return { expected: c?.EXPECTED ?? 0, received: c?.RECEIVED ?? 0, completed: c?.COMPLETED ?? 0 };
}

/** e.g. `COLLECTED (100 expected, 80 received, 50 classified)`. */
export function describeStatus(status: SourceClassificationStatus | undefined): string {
  if (!status) return "no classification status";
  const c = countsOf(status);
  return `${status.status ?? "UNKNOWN"} (${c.expected} expected, ${c.received} received, ${c.completed} classified)`;
}
