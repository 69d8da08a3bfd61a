/**
 * Outputs of an UncorrelatedAccountsLoad: a record of the last load (an event, not a tenant object),
 * small on purpose: the CSV itself is never stored in outputs.
 */
import type { TaskStatus } from "../../client/types";

export interface LoadOutputs {
  sourceId: string;
  /** sha256 (hex) of the uploaded CSV bytes; a different hash means a new load. */
  csvSha256: string;
  /** The ISC task of the last load. */
  taskId: string;
  completionStatus: string;
  /** Numeric results the task reported, by attribute name (see {@link loadTaskCounts}). */
  counts: Record<string, number>;
  /** Account rows uploaded (rows after the header). */
  rows: number;
  /** When the task finished (ISO 8601). */
  completed: string;
  /** Texts of the task's warnings (completionStatus WARNING). */
  warnings: string[];
}

function asCount(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/**
 * The counts a finished load task reports. ISC documents no fixed names for them: the task lists its
 * results in `returns` (each pointing at a key of `attributes`), so each of those with a numeric value
 * is taken, keyed by that attribute name. A task that names no returns gives every numeric attribute.
 */
export function loadTaskCounts(task: Pick<TaskStatus, "attributes" | "returns">): Record<string, number> {
  const attributes = task.attributes ?? {};
  const named = Array.isArray(task.returns)
    ? task.returns.map((r) => r.attributeName).filter((n) => typeof n === "string")
    : [];
  const keys = named.length > 0 ? named : Object.keys(attributes);
  const counts: Record<string, number> = {};
  for (const key of keys) {
    const count = asCount(attributes[key]);
    if (count !== undefined) counts[key] = count;
  }
  return counts;
}
