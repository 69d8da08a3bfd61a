/**
 * Waits for ISC tasks. Many resources create tasks at once; polling each one separately would
 * spend the rate-limit budget on status checks. So all waiters of one tenant + client id share a
 * poller that makes ONE list request per tick (`id in (...)`, chunks of 250) for the tasks that are
 * due, while each waiter keeps its own backoff and deadline. Tasks not due yet fill the room left in
 * that request (oldest first): a task that ended between its own polls is seen at anyone's next poll,
 * at no extra request, and its own poll is then never sent.
 */
import {
  ConfigurationError,
  TaskFailedError,
  TaskStatusUnreachableError,
  TaskTimeoutError,
  type TaskStateSummary,
} from "./errors";
import type { IscClient } from "./request";
import { chunkInValues } from "./filters";
import { transientKind } from "./retry";
import { listTaskStatuses } from "./tasks";
import type { TaskStatus, TaskStatusMessage } from "./types";

export interface WaitForTaskOptions {
  /** Give up after this long. Default 600 000 ms. */
  timeoutMs?: number;
  /** Delay before the first poll, and the first interval. Default 500 ms. */
  pollIntervalMs?: number;
  /** Intervals grow up to this. Default 5 000 ms. */
  maxPollIntervalMs?: number;
  /**
   * Give up sooner when no status poll has reached ISC (connection refused, reset, timed out) for
   * this long: a tenant that went away must not hold the run for the whole timeout. Default 60 000 ms.
   */
  unreachableTimeoutMs?: number;
  /** Called with every status seen for this task (progress reporting). */
  onPoll?: (task: TaskStatus) => void;
}

export interface TaskOutcome {
  task: TaskStatus;
  /** Texts of the task's WARN messages. */
  warnings: string[];
}

/** The one home of the task-wait defaults (resource inputs import these). */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 600;
export const DEFAULT_POLL_INTERVAL_MS = 500;
export const DEFAULT_MAX_POLL_INTERVAL_MS = 5_000;
export const DEFAULT_TASK_WAIT: Readonly<Required<Omit<WaitForTaskOptions, "onPoll">>> = {
  timeoutMs: DEFAULT_TASK_TIMEOUT_SECONDS * 1000,
  pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
  maxPollIntervalMs: DEFAULT_MAX_POLL_INTERVAL_MS,
  unreachableTimeoutMs: 60_000,
};
const DEFAULTS = DEFAULT_TASK_WAIT;
const BACKOFF_FACTOR = 1.5;
/** Waiters due within this much of a poll ride along with it instead of causing their own. */
const COALESCE_MS = 100;

const SUCCESS_STATUSES = new Set(["SUCCESS", "WARNING"]);

export function waitForTask(client: IscClient, taskId: string, options: WaitForTaskOptions = {}): Promise<TaskOutcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const firstInterval = options.pollIntervalMs ?? DEFAULTS.pollIntervalMs;
  const maxInterval = Math.max(firstInterval, options.maxPollIntervalMs ?? DEFAULTS.maxPollIntervalMs);
  const unreachableTimeoutMs = options.unreachableTimeoutMs ?? DEFAULTS.unreachableTimeoutMs;
  if (!(timeoutMs > 0) || !(firstInterval > 0) || !(unreachableTimeoutMs > 0)) {
    throw new ConfigurationError("waitForTask needs a positive timeoutMs, pollIntervalMs and unreachableTimeoutMs");
  }
  if (taskId === "") throw new ConfigurationError("waitForTask needs a task id");
  return new Promise<TaskOutcome>((resolve, reject) => {
    const started = Date.now();
    const deadline = started + timeoutMs;
    pollerFor(client).add({
      taskId,
      started,
      deadline,
      interval: firstInterval,
      maxInterval,
      unreachableTimeoutMs,
      dueAt: Math.min(started + firstInterval, deadline),
      onPoll: options.onPoll,
      resolve,
      reject,
    });
  });
}

interface Waiter {
  taskId: string;
  started: number;
  deadline: number;
  interval: number;
  maxInterval: number;
  unreachableTimeoutMs: number;
  dueAt: number;
  last?: TaskStatus;
  lastPollError?: string;
  /** When the current run of polls that did not reach ISC began. */
  unreachableSince?: number;
  onPoll?: (task: TaskStatus) => void;
  resolve: (outcome: TaskOutcome) => void;
  reject: (error: Error) => void;
}

/** Finished = `completed` AND `completionStatus` both set; ISC sometimes sets `completed` first. */
export function taskOutcome(task: TaskStatus): TaskOutcome | TaskFailedError | undefined {
  if (!task.completed || !task.completionStatus) return undefined;
  const status = task.completionStatus.toUpperCase();
  const messages = task.messages ?? [];
  if (SUCCESS_STATUSES.has(status)) {
    return { task, warnings: messages.filter((m) => m.type === "WARN").map(messageText) };
  }
  // ERROR, TERMINATED, TEMPERROR / TEMP_ERROR, and any status this code does not know.
  return new TaskFailedError(task.id, status, messages.map(messageText));
}

function messageText(m: TaskStatusMessage): string {
  return m.localizedText?.message || m.key || "(message without text)";
}

function summary(task: TaskStatus | undefined): TaskStateSummary | undefined {
  if (!task) return undefined;
  return {
    completed: task.completed ?? null,
    completionStatus: task.completionStatus ?? null,
    percentComplete: typeof task.percentComplete === "number" ? task.percentComplete : null,
    progress: task.progress ?? null,
  };
}

class TaskStatusPoller {
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly client: IscClient,
    private readonly onIdle: () => void,
  ) {}

  add(waiter: Waiter): void {
    this.waiters.add(waiter);
    this.schedule();
  }

  private schedule(): void {
    if (this.polling) return; // the running poll reschedules when it ends
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiters.size === 0) return this.onIdle();
    let next = Infinity;
    for (const w of this.waiters) next = Math.min(next, w.dueAt);
    this.timer = setTimeout(() => void this.poll(), Math.max(0, next - Date.now()));
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    this.polling = true;
    const pollStarted = Date.now();
    const due = [...this.waiters].filter((w) => w.dueAt <= Date.now() + COALESCE_MS);
    const riders = ridersFor(due, [...this.waiters]);
    try {
      const statuses = await listTaskStatuses(
        this.client,
        [...due, ...riders].map((w) => w.taskId),
      );
      const byId = new Map(statuses.map((t) => [t.id, t]));
      for (const w of due) {
        w.unreachableSince = undefined;
        this.observe(w, byId.get(w.taskId));
      }
      for (const w of riders) this.observeRider(w, byId.get(w.taskId));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      // The client already retried; a poll failing even so says nothing about the tasks, which run
      // on in ISC: keep waiting (until each waiter's deadline) unless ISC refused the poll itself,
      // or has not been reached at all for longer than the unreachable bound.
      const kind = transientKind(error);
      const unreachable = kind === "connect" || kind === "dropped";
      if (kind !== undefined) {
        const now = Date.now();
        for (const w of due) {
          w.unreachableSince = unreachable ? (w.unreachableSince ?? pollStarted) : undefined;
          if (w.unreachableSince !== undefined && now - w.unreachableSince >= w.unreachableTimeoutMs) {
            this.finish(w, () =>
              w.reject(new TaskStatusUnreachableError(w.taskId, now - w.unreachableSince!, error.message)),
            );
          } else {
            this.observe(w, undefined, error.message);
          }
        }
      } else {
        for (const w of due) this.finish(w, () => w.reject(error));
      }
    } finally {
      this.polling = false;
      this.schedule();
    }
  }

  private observe(w: Waiter, task: TaskStatus | undefined, pollError?: string): void {
    w.lastPollError = pollError;
    if (task) {
      w.last = task;
      try {
        w.onPoll?.(task);
      } catch (err) {
        return this.finish(w, () => w.reject(err instanceof Error ? err : new Error(String(err))));
      }
      const outcome = taskOutcome(task);
      if (outcome instanceof Error) return this.finish(w, () => w.reject(outcome));
      if (outcome) return this.finish(w, () => w.resolve(outcome));
    }
    // Not finished, or not listed yet (a task can take a moment to show up after creation).
    const now = Date.now();
    if (now >= w.deadline) {
      return this.finish(w, () =>
        w.reject(new TaskTimeoutError(w.taskId, now - w.started, summary(w.last), w.lastPollError)),
      );
    }
    w.interval = Math.min(w.interval * BACKOFF_FACTOR, w.maxInterval);
    w.dueAt = Math.min(now + w.interval, w.deadline);
  }

  /** A waiter polled before it was due: it ends if its task has, else keeps its own schedule and backoff. */
  private observeRider(w: Waiter, task: TaskStatus | undefined): void {
    w.unreachableSince = undefined;
    if (!task) return;
    if (taskOutcome(task)) return this.observe(w, task);
    w.last = task;
    try {
      w.onPoll?.(task);
    } catch (err) {
      this.finish(w, () => w.reject(err instanceof Error ? err : new Error(String(err))));
    }
  }

  private finish(w: Waiter, settle: () => void): void {
    this.waiters.delete(w);
    settle();
  }
}

/**
 * The waiters not due that fit in the requests the due ones take anyway (by count and URL length),
 * those waiting longest first: their tasks are the likeliest to have ended.
 */
function ridersFor(due: readonly Waiter[], all: readonly Waiter[]): Waiter[] {
  if (due.length === 0) return [];
  const dueSet = new Set(due);
  const candidates = all.filter((w) => !dueSet.has(w)).sort((a, b) => a.started - b.started);
  const requests = chunkInValues(due.map((w) => w.taskId)).length;
  const room = new Set(
    chunkInValues([...due, ...candidates].map((w) => w.taskId))
      .slice(0, requests)
      .flat(),
  );
  return candidates.filter((w) => room.has(w.taskId));
}

const pollers = new Map<string, TaskStatusPoller>();

/** One poller per tenant + client id + API generation, dropped again when it has no waiters. */
function pollerFor(client: IscClient): TaskStatusPoller {
  const key = JSON.stringify([client.baseUrl, client.clientId, client.generation]);
  let poller = pollers.get(key);
  if (!poller) {
    poller = new TaskStatusPoller(client, () => pollers.delete(key));
    pollers.set(key, poller);
  }
  return poller;
}
