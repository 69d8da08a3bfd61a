/**
 * Waits for a classification run to end. ISC keeps one status per source, and right after a POST it
 * may still show the previous run, so a status counts as this run's only once its `started` differs
 * from the one seen before the POST.
 */
import type { SourceClassificationStatus } from "../../client/types";
import { pollUntil } from "../shared/poll";
import { describeStatus, hasFailed, isRunning } from "./status";

export interface WatchOptions {
  timeoutMs: number;
  pollIntervalMs: number;
  /** `started` of the status seen before this run was submitted; undefined: any status is this run's. */
  previousStarted?: string;
  /** Called with each status of this run that differs from the one before (progress reporting). */
  onProgress?: (status: SourceClassificationStatus) => void;
}

/** The run ended CANCELLED or TERMINATED. */
export class ClassificationEndedError extends Error {
  override readonly name = "ClassificationEndedError";
  constructor(
    readonly sourceId: string,
    readonly last: SourceClassificationStatus,
  ) {
    super(`classification of source ${sourceId} ended ${describeStatus(last)}`);
  }
}

/** The run did not end in time; it may still be going on in ISC. */
export class ClassificationTimeoutError extends Error {
  override readonly name = "ClassificationTimeoutError";
  constructor(
    readonly sourceId: string,
    readonly waitedMs: number,
    /** The last status of this run, undefined when the run never showed up. */
    readonly last: SourceClassificationStatus | undefined,
  ) {
    super(
      `classification of source ${sourceId} did not finish within ${Math.round(waitedMs / 1000)} s; ` +
        (last ? `last status: ${describeStatus(last)}` : "ISC never reported this run's status"),
    );
  }
}

/** Polls `read` until this run is COMPLETED (returned) or ends otherwise or times out (thrown). */
export async function watchClassification(
  sourceId: string,
  read: () => Promise<SourceClassificationStatus | undefined>,
  options: WatchOptions,
): Promise<SourceClassificationStatus> {
  const isThisRun = (s: SourceClassificationStatus | undefined): s is SourceClassificationStatus =>
    s !== undefined && (options.previousStarted === undefined || s.started !== options.previousStarted);
  let reported = "";
  let lastOfRun: SourceClassificationStatus | undefined;
  const readReporting = async () => {
    const status = await read();
    if (isThisRun(status)) {
      lastOfRun = status;
      const text = describeStatus(status);
      if (text !== reported) options.onProgress?.(status);
      reported = text;
    }
    return status;
  };
  const { value, satisfied } = await pollUntil(readReporting, (s) => isThisRun(s) && !isRunning(s), {
    timeoutMs: options.timeoutMs,
    initialDelayMs: options.pollIntervalMs,
    maxDelayMs: Math.max(options.pollIntervalMs, 5000),
  });
  if (!satisfied || !isThisRun(value)) throw new ClassificationTimeoutError(sourceId, options.timeoutMs, lastOfRun);
  if (hasFailed(value) || value.status !== "COMPLETED") throw new ClassificationEndedError(sourceId, value);
  return value;
}
