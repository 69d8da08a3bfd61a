/**
 * Machine-account classification runs per source (v2025 /sources/{sourceId}/classify). A run moves
 * STARTED (RECEIVED rising) -> COLLECTED (COMPLETED rising) -> COMPLETED, one `stepMs` per phase;
 * the status is computed from elapsed time, so no timers are needed. DELETE freezes it as CANCELLED.
 */
import type { ClassificationStatus, SourceClassificationStatus } from "../provider/client/types";

interface ClassificationRun {
  startedAt: number;
  expected: number;
  cancelledAt?: number;
}

export class ClassificationTracker {
  private readonly runs = new Map<string, ClassificationRun>();

  constructor(private readonly stepMs: () => number) {}

  isRunning(sourceId: string, now: number = Date.now()): boolean {
    const status = this.status(sourceId, now)?.status;
    return status === "STARTED" || status === "COLLECTED";
  }

  /** Starts a run over `expected` accounts; the caller has checked that none is running. */
  start(sourceId: string, expected: number, now: number = Date.now()): void {
    this.runs.set(sourceId, { startedAt: now, expected });
  }

  /** Cancels a running run; false when none is running. */
  cancel(sourceId: string, now: number = Date.now()): boolean {
    const run = this.runs.get(sourceId);
    if (!run || !this.isRunning(sourceId, now)) return false;
    run.cancelledAt = now;
    return true;
  }

  status(sourceId: string, now: number = Date.now()): SourceClassificationStatus | undefined {
    const run = this.runs.get(sourceId);
    if (!run) return undefined;
    const at = run.cancelledAt ?? now;
    const step = Math.max(1, this.stepMs());
    const progress = (at - run.startedAt) / step;
    const share = (fraction: number) => Math.min(run.expected, Math.floor(run.expected * Math.max(0, fraction)));
    let status: ClassificationStatus;
    let received: number;
    let completed: number;
    if (progress < 1) {
      status = "STARTED";
      received = share(progress);
      completed = 0;
    } else if (progress < 2) {
      status = "COLLECTED";
      received = run.expected;
      completed = share(progress - 1);
    } else {
      status = "COMPLETED";
      received = run.expected;
      completed = run.expected;
    }
    if (run.cancelledAt !== undefined && status !== "COMPLETED") status = "CANCELLED";
    const finishedAt = run.cancelledAt ?? (status === "COMPLETED" ? run.startedAt + 2 * step : now);
    return {
      status,
      started: new Date(run.startedAt).toISOString(),
      updated: new Date(Math.min(finishedAt, now)).toISOString(),
      counts: { EXPECTED: run.expected, RECEIVED: received, COMPLETED: completed },
    };
  }

  all(now: number = Date.now()): Record<string, SourceClassificationStatus> {
    const result: Record<string, SourceClassificationStatus> = {};
    for (const sourceId of this.runs.keys())
      result[sourceId] = this.status(sourceId, now) as SourceClassificationStatus;
    return result;
  }

  clear(): void {
    this.runs.clear();
  }
}
