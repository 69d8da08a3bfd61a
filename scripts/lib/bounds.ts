/**
 * The least a phase could cost under ISC's rate limit, to compare wall times against.
 *
 * "Requests that must be made" per phase (N accounts, n_s of them on source s, k updated; one list
 * call answers at most 250 values, ISC's page limit):
 * - create:  v3    N POSTs + per source ceil(n_s/250) lookups before the POSTs (an existing account
 *                  must not be taken over silently) + ceil(n_s/250) lookups after the tasks (POST
 *                  answers a task id; the account id is only found by sourceId + nativeIdentity)
 *                  + 2 per source (source and its account schema, read once per run for Check);
 *            v2025 ceil(N/250) task-status lists (every task must be seen finished at least once).
 * - refresh: v3    ceil(N/250) account lists (`id in (...)`).
 * - update:  v3    k PUTs + ceil(2k/250) reads + 2 per source (Check). Each updated account is
 *                  read twice: before its PUT (the PUT carries the whole attribute set, so it is
 *                  built from a read taken after the update started, or it would overwrite what
 *                  changed outside Pulumi since) and after its task (the outputs must be what ISC
 *                  holds). The two reads of one account are at different times, so no list call
 *                  answers both: 2k ids at 250 a call. (This counted ceil(k/250), the reads after
 *                  only, though the read before is what keeps the PUT safe.)
 *            v2025 ceil(k/250) task-status lists.
 * - delete:  v3    N DELETEs; v2025 ceil(N/250) task-status lists.
 * - preview: v3    2 per source (source and its account schema, for Check), whatever N.
 * One token request per phase (a Pulumi command is one plugin process) is not rate limited.
 *
 * A budget of R requests per window W (sliding) lets M requests through in no less than
 * floor((M-1)/R)*W: the first R go at once, each later R one window after. The bound of a phase is
 * that time for its binding budget, plus one task duration when it waits for tasks (the last task
 * still has to run after the last request that started one).
 */
export type PhaseName = "create" | "preview" | "refresh" | "update" | "delete";

export interface Workload {
  /** Accounts per source (the sum is N). */
  accountsPerSource: readonly number[];
  /** Accounts changed by the update phase (k). */
  updated: number;
}

export interface RateBudget {
  requestsPerWindow: number;
  windowMs: number;
}

/** ISC's maximum page size, and so the most values one `in (...)` list call can answer. */
export const LIST_LIMIT = 250;
/** Budgets ISC does not rate-limit. */
const UNLIMITED_BUDGETS = new Set(["oauth"]);

const lists = (n: number) => Math.ceil(n / LIST_LIMIT);
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export function requiredRequests(phase: PhaseName, workload: Workload): Record<string, number> {
  const perSource = workload.accountsPerSource.filter((n) => n > 0);
  const total = sum(perSource);
  const sourceLookups = sum(perSource.map(lists));
  const schemaReads = 2 * perSource.length;
  switch (phase) {
    case "create":
      return { v3: total + 2 * sourceLookups + schemaReads, v2025: lists(total), oauth: 1 };
    case "preview":
      return { v3: schemaReads, v2025: 0, oauth: 1 };
    case "refresh":
      return { v3: lists(total), v2025: 0, oauth: 1 };
    case "update":
      return {
        v3: workload.updated + lists(2 * workload.updated) + schemaReads,
        v2025: lists(workload.updated),
        oauth: 1,
      };
    case "delete":
      return { v3: total, v2025: lists(total), oauth: 1 };
  }
}

/** The least time M requests take through a sliding window of R per W. */
export function budgetTimeMs(requests: number, budget: RateBudget): number {
  if (requests <= 0) return 0;
  return Math.floor((requests - 1) / budget.requestsPerWindow) * budget.windowMs;
}

export interface LowerBound {
  ms: number;
  /** The budget whose time dominates ("v3", "v2025"), or "tasks" when no budget is a constraint. */
  binding: string;
  required: Record<string, number>;
  /** Time each rate-limited budget needs on its own. */
  budgetMs: Record<string, number>;
  /** Added task duration (0 for refresh). */
  taskMs: number;
}

export function lowerBound(phase: PhaseName, workload: Workload, budget: RateBudget, taskDelayMs: number): LowerBound {
  const required = requiredRequests(phase, workload);
  const budgetMs: Record<string, number> = {};
  let binding = "tasks";
  let slowest = 0;
  for (const [name, count] of Object.entries(required)) {
    if (UNLIMITED_BUDGETS.has(name)) continue;
    budgetMs[name] = budgetTimeMs(count, budget);
    if (budgetMs[name] > slowest) {
      slowest = budgetMs[name];
      binding = name;
    }
  }
  const taskMs = phase === "refresh" || phase === "preview" ? 0 : taskDelayMs;
  return { ms: slowest + taskMs, binding, required, budgetMs, taskMs };
}

/**
 * A second floor, not part of the target: with P operations at once, each holding its slot for at
 * least one task duration, `ops` operations cannot finish before ceil(ops/P) task durations.
 */
export function parallelismFloorMs(operations: number, parallel: number, taskDelayMs: number): number {
  return Math.ceil(operations / parallel) * taskDelayMs;
}

/**
 * A floor on a create phase's lookups by nativeIdentity at `--parallel P`, not part of the target
 * (the bound above counts ceil(n/250) per source, out of reach at any usual P). For a provider that
 * confirms absence by exact lookup, never from a listing: each create asks ISC for its name twice, at
 * different times (absent? before its POST; its id after its task), and one request answers only
 * what is asked at that moment: the P creates in flight, one ask each, and the one resource Pulumi
 * is checking (the engine checks the next resource only when a worker is free for it:
 * pulumi/pulumi pkg/resource/deploy/step_executor.go, unbuffered channel).
 */
export function lookupFloorAtParallel(created: number, parallel: number): number {
  return Math.ceil((2 * created) / (parallel + 1));
}

const secondsText = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * One sentence on what sets a phase's bound, from the bound alone (ISC's limit), so that it never
 * mixes in what the requests actually sent would cost at the provider's own, lower budget.
 */
export function describeBound(bound: LowerBound, budget: RateBudget): string {
  const limit = `ISC's ${budget.requestsPerWindow} per ${budget.windowMs} ms per API version`;
  const required = Object.entries(bound.required)
    .filter(([name, count]) => !UNLIMITED_BUDGETS.has(name) && count > 0)
    .map(([name, count]) => `${count} ${name}`)
    .join(" + ");
  const task = bound.taskMs > 0 ? ` + the last task ${secondsText(bound.taskMs)}` : "";
  if (bound.binding === "tasks") {
    return bound.taskMs > 0
      ? `bound ${secondsText(bound.ms)}: the ${required} requests it must make fit in one rate window at ${limit}, ` +
          `so only the last task counts`
      : `bound 0: the ${required} requests it must make fit in one rate window at ${limit}, ` +
          `and it waits for no task`;
  }
  const binding = bound.binding;
  return (
    `bound ${secondsText(bound.ms)}: the ${bound.required[binding]} ${binding} requests it must make ` +
    `take ${secondsText(bound.budgetMs[binding] ?? 0)} at ${limit}${task}`
  );
}
