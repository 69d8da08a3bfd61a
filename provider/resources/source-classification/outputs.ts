/** Outputs of a SourceClassification: the record of the last run. */
import type { SourceClassificationStatus } from "../../client/types";
import { countsOf, type ClassificationCounts } from "./status";

export interface ClassificationOutputs {
  sourceId: string;
  /**
   * COMPLETED after a successful run; STARTED or COLLECTED when the wait timed out (the next `pulumi up` resumes it).
   */
  status: string;
  counts: ClassificationCounts;
  /** When ISC started the run (ISO 8601), null if it did not say. */
  started: string | null;
  /** "Accounts submitted for processing" from the POST, null if not reported. */
  submitted: number | null;
  /** The trigger the run was made for (kept because diff only sees stored outputs). */
  trigger?: string;
}

export function classificationOutputs(
  sourceId: string,
  status: SourceClassificationStatus | undefined,
  submitted: number | null,
  trigger: unknown,
): ClassificationOutputs {
  const outputs: ClassificationOutputs = {
    sourceId,
    status: status?.status ?? "UNKNOWN",
    counts: countsOf(status),
    started: status?.started ?? null,
    submitted,
  };
  if (typeof trigger === "string") outputs.trigger = trigger;
  return outputs;
}
