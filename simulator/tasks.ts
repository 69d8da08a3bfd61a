/**
 * Asynchronous tasks as ISC runs them: a task is created, runs for `taskDelayMs` (percentComplete
 * rising), then applies its change and completes with SUCCESS, or ERROR when its work fails or a
 * fault says so. With completedBeforeStatusMs or completedBeforeStatusPolls, `completed` is set
 * before `completionStatus` (seen on real tenants, FIELD-NOTES "Task status"; clients must tolerate it).
 * Account and load tasks report `type: "QUARTZ"`, as ISC's always do (FIELD-NOTES). Timers are
 * unref'd and cleared by clear().
 */
import type { TaskCompletionStatus, TaskStatus, TaskStatusMessage } from "../provider/client/types";
import type { FaultInjector } from "./faults";
import { randomHexId } from "./ids";

/** Thrown by a task's work to end it in ERROR with this message. */
export class TaskFailure extends Error {
  constructor(
    message: string,
    readonly attributes: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "TaskFailure";
  }
}

export interface TaskOutcome {
  attributes?: Record<string, unknown>;
  messages?: TaskStatusMessage[];
}

export interface TaskSpec {
  type: TaskStatus["type"];
  uniqueName: string;
  description: string;
  launcher: string;
  target: NonNullable<TaskStatus["target"]> | null;
  /** Source the task works on (task-status can be filtered by it). */
  sourceId?: string;
  /** "<operation> <nativeIdentity>" (e.g. "disable jdoe"), matched by failTasksMatching. */
  subject?: string;
  /** Work nobody can poll (PATCH answers without a task id): not listed, and never failed by faults. */
  hidden?: boolean;
  returns?: TaskStatus["returns"];
  /** The change itself, run when the task completes unless a fault fails the task first. */
  run(): TaskOutcome | void;
  /** Always runs after the task ends, successful or not (e.g. releases the account's pending lock). */
  settle?(): void;
}

interface TaskRecord {
  id: string;
  sequence: number;
  spec: TaskSpec;
  createdAt: number;
  durationMs: number;
  completedAt?: number;
  statusVisibleAt?: number;
  /** Polls answered since the task completed (for completedBeforeStatusPolls). */
  pollsSinceCompleted: number;
  completionStatus?: TaskCompletionStatus;
  messages: TaskStatusMessage[];
  attributes: Record<string, unknown>;
  timer?: NodeJS.Timeout;
}

export function taskMessage(type: TaskStatusMessage["type"], key: string, message: string): TaskStatusMessage {
  return { type, localizedText: { locale: "en-US", message }, key, parameters: null };
}

export interface TaskRunnerSettings {
  delayMs: number;
  faults: FaultInjector;
}

export class TaskRunner {
  private readonly tasks = new Map<string, TaskRecord>();
  private nextSequence = 0;
  private holding = false;
  /** Tasks whose delay passed while holding; they finish on release or completeRunning(). */
  private readonly due = new Set<TaskRecord>();

  constructor(private readonly settings: TaskRunnerSettings) {}

  /** Starts a task; its id is what the API answers with. */
  start(spec: TaskSpec): string {
    const task: TaskRecord = {
      id: randomHexId(),
      sequence: this.nextSequence++,
      spec,
      createdAt: Date.now(),
      durationMs: Math.max(0, this.settings.delayMs),
      messages: [],
      attributes: {},
      pollsSinceCompleted: 0,
    };
    this.tasks.set(task.id, task);
    task.timer = setTimeout(() => this.onDelayPassed(task), task.durationMs);
    task.timer.unref();
    return task.id;
  }

  /** A pollable task's status, or undefined. */
  status(id: string, now: number = Date.now()): TaskStatus | undefined {
    const task = this.tasks.get(id);
    return task && !task.spec.hidden ? this.view(task, now) : undefined;
  }

  /** Records that a client was answered these tasks' status (counts toward completedBeforeStatusPolls). */
  notePolled(ids: readonly string[]): void {
    for (const id of ids) {
      const task = this.tasks.get(id);
      if (task?.completedAt !== undefined) task.pollsSinceCompleted++;
    }
  }

  /** Pollable tasks (all, or those with the given ids), oldest first, with what a filter may look at. */
  list(ids?: readonly string[], now: number = Date.now()): Array<{ status: TaskStatus; sourceId?: string }> {
    const result: Array<{ task: TaskRecord; status: TaskStatus; sourceId?: string }> = [];
    const candidates = ids ? ids.map((id) => this.tasks.get(id)) : this.tasks.values();
    const seen = new Set<string>();
    for (const task of candidates) {
      if (!task || task.spec.hidden || seen.has(task.id)) continue;
      seen.add(task.id);
      result.push({ task, status: this.view(task, now), sourceId: task.spec.sourceId });
    }
    if (ids) result.sort((a, b) => a.task.sequence - b.task.sequence);
    return result.map(({ status, sourceId }) => ({ status, sourceId }));
  }

  /**
   * Finishes every running task now, oldest first, as if its delay had passed; returns how many.
   * Tests hold tasks with a long `taskDelayMs` and release them here, so "while a task runs" is a
   * fact of the test, not a race against a timer.
   */
  completeRunning(): number {
    const running = [...this.tasks.values()]
      .filter((task) => task.completedAt === undefined)
      .sort((a, b) => a.sequence - b.sequence);
    for (const task of running) {
      if (task.timer) clearTimeout(task.timer);
      this.finish(task);
    }
    return running.length;
  }

  /**
   * While held, no task completes by itself; tests then decide when "the task is still running"
   * ends (completeRunning(), or release with hold(false), which finishes the tasks that came due).
   */
  hold(on: boolean): void {
    this.holding = on;
    if (on) return;
    const due = [...this.due].sort((a, b) => a.sequence - b.sequence);
    this.due.clear();
    due.forEach((task) => this.finish(task));
  }

  /** Cancels every timer and forgets every task (nothing pending is applied). */
  clear(): void {
    for (const task of this.tasks.values()) if (task.timer) clearTimeout(task.timer);
    this.tasks.clear();
    this.due.clear();
  }

  private onDelayPassed(task: TaskRecord): void {
    task.timer = undefined;
    if (this.holding) this.due.add(task);
    else this.finish(task);
  }

  private finish(task: TaskRecord): void {
    task.timer = undefined;
    this.due.delete(task);
    if (!this.tasks.has(task.id) || task.completedAt !== undefined) return;
    const injected = task.spec.hidden ? undefined : this.settings.faults.taskFailure(task.spec.subject);
    try {
      if (injected !== undefined) throw new TaskFailure(injected);
      const outcome = task.spec.run() ?? {};
      task.attributes = outcome.attributes ?? {};
      task.messages = outcome.messages ?? [];
      task.completionStatus = task.messages.some((m) => m.type === "WARN") ? "WARNING" : "SUCCESS";
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      task.attributes = error instanceof TaskFailure ? error.attributes : {};
      task.messages = [taskMessage("ERROR", "sim.task.failed", message)];
      task.completionStatus = "ERROR";
    } finally {
      task.spec.settle?.();
    }
    task.completedAt = Date.now();
    task.statusVisibleAt = task.completedAt + this.settings.faults.config.completedBeforeStatusMs;
    if (task.spec.hidden) this.tasks.delete(task.id);
  }

  private view(task: TaskRecord, now: number): TaskStatus {
    const iso = (ms: number) => new Date(ms).toISOString();
    const done = task.completedAt !== undefined;
    const statusVisible =
      done &&
      now >= (task.statusVisibleAt ?? 0) &&
      task.pollsSinceCompleted >= this.settings.faults.config.completedBeforeStatusPolls;
    const elapsed = now - task.createdAt;
    const percentComplete = done
      ? 100
      : Math.min(99, task.durationMs > 0 ? Math.floor((elapsed / task.durationMs) * 100) : 99);
    return {
      id: task.id,
      type: task.spec.type,
      uniqueName: task.spec.uniqueName,
      description: task.spec.description,
      parentName: null,
      launcher: task.spec.launcher,
      target: task.spec.target,
      created: iso(task.createdAt),
      modified: iso(done ? (task.completedAt as number) : Math.max(task.createdAt, now)),
      launched: iso(task.createdAt),
      completed: done ? iso(task.completedAt as number) : null,
      completionStatus: statusVisible ? (task.completionStatus ?? null) : null,
      messages: statusVisible ? task.messages : [],
      returns: task.spec.returns ?? [],
      attributes: statusVisible ? task.attributes : {},
      progress: done ? "Completed" : "In progress",
      percentComplete,
    };
  }
}
