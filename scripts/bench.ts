/**
 * `npm run bench`: what N Account resources cost against ISC's rate limit, through the real
 * dynamic-provider plugin with Pulumi-like parallelism. Phases: create all, refresh all, update a
 * share, delete all (and a preview of the unchanged stack after create); each is one "Pulumi
 * command" (a fresh plugin process). Prints requests per API version (from the simulator's request
 * log), 429s, wall time against the phase's lower bound (scripts/lib/bounds.ts says how it is
 * computed), peak memory, the serialized provider's size, state bytes per account, and PASS/FAIL per
 * target (scripts/lib/targets.ts). Exits non-zero only when something errored, not when a target is
 * missed.
 *
 *   node dist/scripts/bench.js [--accounts 500] [--parallel 16] [--time-scale 0.5] [--json]
 */
import type { DesiredResource, RefreshResult, UpResult } from "../harness/engine";
import {
  budgetTimeMs,
  describeBound,
  lowerBound,
  lookupFloorAtParallel,
  parallelismFloorMs,
  type LowerBound,
  type PhaseName,
  type Workload,
} from "./lib/bounds";
import { megabytes, ownPeakRss, peakRssOfProcess } from "./lib/memory";
import { parseBenchOptions, runFigures, scaledTimings, type BenchOptions } from "./lib/options";
import { startPhaseProgress } from "./lib/phase-progress";
import { runScript } from "./lib/run-script";
import { accountLookups, schemaReads, summarizeRequests, type RequestFigures } from "./lib/request-stats";
import { ISC_RATE_LIMIT, PROVIDER_REQUESTS_PER_WINDOW, sleep, startScaledStack, type ScaledStack } from "./lib/stack";
import { phaseTargets, providerSizeTarget, roundTo, throttledShareTarget, type TargetResult } from "./lib/targets";
import { DEMO_SOURCES, accountSpecs, accountsPerSource, withChangedEmail, type AccountSpec } from "./lib/workload";

interface PhaseFigures {
  phase: PhaseName;
  /** Resources the phase acted on. */
  operations: number;
  wallMs: number;
  requests: RequestFigures;
  bound: LowerBound;
  /** wall / bound; null when the bound is 0 (nothing in the phase has to wait). */
  ratio: number | null;
  /** Context only: the floor set by --parallel and the task duration. */
  parallelismFloorMs: number;
  /** Context only: how long the v3 requests actually sent need at the provider's own limit. */
  sentV3FloorMs: number;
  /** Context only (create): the fewest lookups by nativeIdentity at this --parallel (see lookupFloorAtParallel). */
  lookupFloor?: number;
  pluginPeakRssBytes?: number;
  /** Resource errors and unexpected outcomes (first few). */
  problems: string[];
  /** This phase's targets, each PASS or FAIL. */
  targets: TargetResult[];
}

interface PhaseRun {
  operations: number;
  problems: string[];
}

const MAX_PROBLEMS_SHOWN = 5;
const TOP_OPERATIONS = 4;

function problemsOf(result: UpResult | RefreshResult): string[] {
  return result.errors.map((e) => `${e.name}: ${e.message}`);
}

function countOps(result: UpResult | RefreshResult, op: string): number {
  return result.steps.filter((s) => s.op === op).length;
}

function expectCount(problems: string[], what: string, actual: number, expected: number): void {
  if (actual !== expected) problems.push(`${what}: expected ${expected}, got ${actual}`);
}

/** What every phase needs: the running stack and the workload it acts on. */
interface BenchRun {
  stack: ScaledStack;
  options: BenchOptions;
  workload: Workload;
  taskDelayMs: number;
  specs: AccountSpec[];
  /** The same accounts with the update phase's changes. */
  changedSpecs: AccountSpec[];
  desired(list: readonly AccountSpec[]): DesiredResource[];
}

async function runPhase(bench: BenchRun, phase: PhaseName, run: () => Promise<PhaseRun>): Promise<PhaseFigures> {
  const { stack, options, workload, taskDelayMs } = bench;
  stack.sim.clearRequests();
  const progress = startPhaseProgress("bench", phase, stack);
  let pid: number;
  let outcome: PhaseRun;
  let wallMs: number;
  try {
    // Each phase starts with a full budget, as separate commands a while apart would.
    await sleep(stack.windowMs);
    pid = await stack.nextCommand();
    const started = performance.now();
    outcome = await run();
    wallMs = Math.round(performance.now() - started);
  } finally {
    progress.stop();
  }
  const pluginPeakRssBytes = peakRssOfProcess(pid);
  const log = stack.sim.requests();
  const requests = summarizeRequests(log);
  const bound = lowerBound(phase, workload, { ...ISC_RATE_LIMIT, windowMs: stack.windowMs }, taskDelayMs);
  return {
    phase,
    operations: outcome.operations,
    wallMs,
    requests,
    bound,
    ratio: bound.ms > 0 ? roundTo(wallMs / bound.ms, 2) : null,
    parallelismFloorMs: phase === "refresh" ? 0 : parallelismFloorMs(outcome.operations, options.parallel, taskDelayMs),
    ...(phase === "create" ? { lookupFloor: lookupFloorAtParallel(outcome.operations, options.parallel) } : {}),
    sentV3FloorMs: budgetTimeMs(requests.perBudget.v3 ?? 0, {
      requestsPerWindow: PROVIDER_REQUESTS_PER_WINDOW,
      windowMs: stack.windowMs,
    }),
    pluginPeakRssBytes,
    problems: outcome.problems,
    targets: phaseTargets(phase, {
      accounts: options.accounts,
      operations: outcome.operations,
      wallMs,
      boundMs: bound.ms,
      v3Requests: requests.perBudget.v3 ?? 0,
      v3Required: bound.required.v3 ?? 0,
      lookupsAfterCreate: accountLookups(log),
      schemaReads: schemaReads(log),
      sources: workload.accountsPerSource.filter((n) => n > 0).length,
      throttled: requests.throttled,
      totalRequests: requests.total,
      pluginPeakRssBytes,
    }),
  };
}

function createPhase(bench: BenchRun): Promise<PhaseFigures> {
  return runPhase(bench, "create", async () => {
    const result = await bench.stack.engine.up(bench.desired(bench.specs));
    const problems = problemsOf(result);
    expectCount(problems, "created", countOps(result, "create") - result.errors.length, bench.specs.length);
    return { operations: bench.specs.length, problems };
  });
}

/** `pulumi preview` of the stack as created: every account unchanged, so only Check's schema reads reach ISC. */
function previewPhase(bench: BenchRun): Promise<PhaseFigures> {
  return runPhase(bench, "preview", async () => {
    const steps = await bench.stack.engine.preview(bench.desired(bench.specs));
    const problems = steps.filter((s) => s.error).map((s) => `${s.name}: ${s.error}`);
    expectCount(problems, "unchanged in preview", steps.filter((s) => s.op === "same").length, bench.specs.length);
    return { operations: steps.length, problems };
  });
}

function refreshPhase(bench: BenchRun): Promise<PhaseFigures> {
  return runPhase(bench, "refresh", async () => {
    const result = await bench.stack.engine.refresh();
    const problems = problemsOf(result);
    expectCount(problems, "unchanged on refresh", countOps(result, "same") - result.errors.length, bench.specs.length);
    return { operations: result.steps.length, problems };
  });
}

function updatePhase(bench: BenchRun): Promise<PhaseFigures> {
  return runPhase(bench, "update", async () => {
    const result = await bench.stack.engine.up(bench.desired(bench.changedSpecs));
    const problems = problemsOf(result);
    expectCount(problems, "updated", countOps(result, "update"), bench.workload.updated);
    return { operations: bench.workload.updated, problems };
  });
}

function deletePhase(bench: BenchRun): Promise<PhaseFigures> {
  return runPhase(bench, "delete", async () => {
    const before = bench.stack.engine.state().length;
    const result = await bench.stack.engine.destroy();
    const problems = problemsOf(result);
    expectCount(problems, "left in state", bench.stack.engine.state().length, 0);
    return { operations: before, problems };
  });
}

function providerFigures(stack: ScaledStack, accounts: number) {
  const bytesPerCopy = Buffer.byteLength(stack.providerText);
  // Measured, not assumed: how many copies of `__provider` the state holds per resource (inputs and outputs).
  let stateBytes = 0;
  let copies = 0;
  let resourceBytes = 0;
  const resources = stack.engine.state();
  for (const r of resources) {
    for (const bag of [r.inputs, r.outputs]) {
      resourceBytes += Buffer.byteLength(JSON.stringify(bag));
      if (typeof bag.__provider === "string") {
        stateBytes += Buffer.byteLength(bag.__provider);
        copies++;
      }
    }
  }
  return {
    bytesPerResource: bytesPerCopy,
    totalBytes: bytesPerCopy * accounts,
    copiesInState: copies,
    bytesInState: stateBytes,
    /** Inputs + outputs as JSON, `__provider` copies included: what each account adds to the state. */
    stateBytesPerAccount: resources.length > 0 ? Math.round(resourceBytes / resources.length) : 0,
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

function printPhase(f: PhaseFigures): void {
  const r = f.requests.perBudget;
  console.log(
    `${f.phase.padEnd(8)} ${String(f.operations).padStart(5)}` +
      `  ${seconds(f.wallMs).padStart(8)}  ${seconds(f.bound.ms).padStart(7)}` +
      `  ${(f.ratio === null ? "-" : f.ratio.toFixed(2)).padStart(5)}` +
      `  ${String(r.v3 ?? 0).padStart(5)}  ${String(r.v2025 ?? 0).padStart(5)}  ${String(r.oauth ?? 0).padStart(5)}` +
      `  ${String(f.requests.throttled).padStart(4)}  ${megabytes(f.pluginPeakRssBytes).padStart(7)}`,
  );
}

/** Per phase, the same shape: what bounds it, each target PASS/FAIL, then where its requests went. */
function printDetails(f: PhaseFigures, budget: { requestsPerWindow: number; windowMs: number }): void {
  console.log(`${f.phase}: ${describeBound(f.bound, budget)}`);
  for (const t of f.targets) console.log(`  ${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${t.actual} (limit ${t.limit})`);
  if (f.lookupFloor !== undefined)
    console.log(
      `  context: a provider that confirms absence by exact lookup makes at least ${f.lookupFloor} lookups by ` +
        `nativeIdentity at this --parallel (two asks per create, at most --parallel + 1 answered per request)`,
    );
  for (const op of f.requests.operations.slice(0, TOP_OPERATIONS)) {
    const inList = op.meanInValues !== undefined ? `, ${op.meanInValues} values per list` : "";
    const throttled = op.throttled > 0 ? `, ${op.throttled} x 429` : "";
    console.log(`    ${String(op.count).padStart(5)}  ${op.operation}${inList}${throttled}`);
  }
  for (const p of f.problems.slice(0, MAX_PROBLEMS_SHOWN)) console.log(`    PROBLEM ${p}`);
  if (f.problems.length > MAX_PROBLEMS_SHOWN)
    console.log(`    ... and ${f.problems.length - MAX_PROBLEMS_SHOWN} more problems`);
}

async function runPhases(
  bench: BenchRun,
): Promise<{ phases: PhaseFigures[]; provider: ReturnType<typeof providerFigures> }> {
  const phases = [await createPhase(bench)];
  const provider = providerFigures(bench.stack, bench.options.accounts); // while the state holds every account
  phases.push(await previewPhase(bench));
  phases.push(await refreshPhase(bench));
  if (bench.workload.updated > 0) phases.push(await updatePhase(bench));
  phases.push(await deletePhase(bench));
  return { phases, provider };
}

/** The run-wide targets: the provider text stored per resource, and the 429 share of all requests. */
function runTargets(phases: readonly PhaseFigures[], providerBytes: number): TargetResult[] {
  const total = phases.reduce((n, f) => n + f.requests.total, 0);
  const throttled = phases.reduce((n, f) => n + f.requests.throttled, 0);
  return [providerSizeTarget(providerBytes), throttledShareTarget(throttled, total)];
}

function jsonPhase(f: PhaseFigures) {
  return {
    phase: f.phase,
    operations: f.operations,
    wallMs: f.wallMs,
    boundMs: f.bound.ms,
    ratio: f.ratio,
    binding: f.bound.binding,
    required: f.bound.required,
    requests: f.requests.perBudget,
    totalRequests: f.requests.total,
    throttled: f.requests.throttled,
    topOperations: f.requests.operations.slice(0, TOP_OPERATIONS),
    parallelismFloorMs: f.parallelismFloorMs,
    sentV3FloorMs: f.sentV3FloorMs,
    lookupFloor: f.lookupFloor ?? null,
    pluginPeakRssBytes: f.pluginPeakRssBytes ?? null,
    problems: f.problems.length,
    targets: f.targets,
  };
}

async function main(options: BenchOptions): Promise<number> {
  const { taskDelayMs, pollIntervalMs } = scaledTimings(options);
  const stack = await startScaledStack({ timeScale: options.timeScale, taskDelayMs, parallel: options.parallel });
  try {
    const specs = accountSpecs(options.accounts, "bench");
    // Every k-th account, k = 1/share (updates read by id, so which source they are on costs nothing).
    const every = options.updateShare > 0 ? Math.max(1, Math.round(1 / options.updateShare)) : 0;
    const { specs: changedSpecs, changed: updated } = withChangedEmail(
      specs,
      (_s, i) => every > 0 && i % every === 0,
      "v2",
    );
    const workload: Workload = {
      accountsPerSource: accountsPerSource(
        specs,
        DEMO_SOURCES.map((s) => s.id),
      ),
      updated,
    };
    const inputs = { pollIntervalMs };
    const bench: BenchRun = {
      stack,
      options,
      workload,
      taskDelayMs,
      specs,
      changedSpecs,
      desired: (list) => list.map((s) => stack.desired(s, inputs)),
    };
    const budget = { requestsPerWindow: ISC_RATE_LIMIT.requestsPerWindow, windowMs: stack.windowMs };

    console.log(
      `bench: ${options.accounts} accounts, --parallel ${options.parallel}, time scale ${options.timeScale} ` +
        `(rate limit ${ISC_RATE_LIMIT.requestsPerWindow} per ${stack.windowMs} ms per API version, ` +
        `task ${taskDelayMs} ms, poll ${pollIntervalMs} ms)`,
    );
    const { phases, provider } = await runPhases(bench);
    const totalRequests = phases.reduce((n, f) => n + f.requests.total, 0);
    const totalThrottled = phases.reduce((n, f) => n + f.requests.throttled, 0);
    const targets = runTargets(phases, provider.bytesPerResource);
    const memory = {
      benchRssBytes: process.memoryUsage().rss,
      benchPeakRssBytes: ownPeakRss(),
      pluginPeakRssBytes: Math.max(0, ...phases.map((f) => f.pluginPeakRssBytes ?? 0)) || undefined,
    };

    console.log(`\nphase      ops      wall    bound  ratio     v3  v2025  oauth   429  plugin peak`);
    phases.forEach(printPhase);
    console.log("");
    for (const f of phases) printDetails(f, budget);
    console.log(
      `\nprovider: __provider is ${provider.bytesPerResource} bytes per resource, ` +
        `${provider.totalBytes} bytes for ${options.accounts}` +
        ` (state holds ${provider.copiesInState} copies, ${provider.bytesInState} bytes);` +
        ` state: ${provider.stateBytesPerAccount} bytes per account`,
    );
    for (const t of targets) console.log(`  ${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${t.actual} (limit ${t.limit})`);
    console.log(
      `memory: bench peak ${megabytes(memory.benchPeakRssBytes)} (now ${megabytes(memory.benchRssBytes)}), ` +
        `plugin peak ${megabytes(memory.pluginPeakRssBytes)}`,
    );
    console.log(`requests: ${totalRequests} in all, ${totalThrottled} answered 429`);
    const problems = phases.flatMap((f) => f.problems.map((p) => `${f.phase}: ${p}`));
    if (options.json) {
      console.log(
        JSON.stringify({
          ...runFigures(options),
          rateLimit: budget,
          taskDelayMs,
          pollIntervalMs,
          phases: phases.map(jsonPhase),
          provider,
          memory: { ...memory, pluginPeakRssBytes: memory.pluginPeakRssBytes ?? null },
          totalRequests,
          throttled: totalThrottled,
          targets,
          problems,
        }),
      );
    }
    return problems.length > 0 ? 1 : 0;
  } finally {
    await stack.stop();
  }
}

if (require.main === module) runScript("bench", parseBenchOptions, main);
