/**
 * `npm run soak`: a bounded fault run under the engine's real rules. N accounts go through create, update and
 * delete while the simulator injects 5xx (some after applying the change: the dangerous case for POST
 * /accounts), connection resets, 429 bursts, token expiry, eventual consistency and failing tasks. Every
 * failure must name its account or task.
 *
 * Like `pulumi up`, a run stops at its first failure (unless --continue-on-error), so each phase runs `up`
 * again, as a user would, until a run succeeds, and counts the runs it took. Then faults go off: `up` must
 * converge and a further `up` must find nothing to do. Finally the tenant is compared with what was declared:
 * no duplicates, no orphans, nothing missing. Exits non-zero if any check fails.
 *
 *   node dist/scripts/soak.js [--accounts 300] [--parallel 16] [--time-scale 0.1] [--continue-on-error] [--json]
 */
import type { UpResult } from "../harness/engine";
import { reconcile, type Reconciliation } from "./lib/accounting";
import { failureKinds, surfacesQuoting, tenantSecrets, unclearFailures, type ReportedFailure } from "./lib/failures";
import { parseSoakOptions, runFigures, scaledTimings, type SoakOptions } from "./lib/options";
import { startPhaseProgress } from "./lib/phase-progress";
import { runScript } from "./lib/run-script";
import { summarizeRequests, type RequestFigures } from "./lib/request-stats";
import { soakChecks, soakFaults, type Check } from "./lib/soak-checks";
import { startScaledStack, type ScaledStack } from "./lib/stack";
import { accountSpecs, pickShare, seededRandom, withChangedEmail, type AccountSpec } from "./lib/workload";
import type { FaultConfig } from "../simulator";

/** One phase: `up` run until it converges (a run without failure), with or without faults. */
interface SoakPhase {
  name: string;
  faults: boolean;
  operations: string;
  /** Runs of `up` this phase took; `converged` says whether the last one succeeded. */
  runs: number;
  converged: boolean;
  wallMs: number;
  requests: RequestFigures;
  /** POST /v3/accounts answered 5xx or reset: the client cannot know whether it was applied. */
  ambiguousPosts: number;
  failures: ReportedFailure[];
  unclear: ReportedFailure[];
  /** Steps of all its runs, by operation. */
  steps: Record<string, number>;
}

interface Workload {
  created: AccountSpec[];
  updated: AccountSpec[];
  final: AccountSpec[];
  toUpdate: ReadonlySet<string>;
  toDelete: ReadonlySet<string>;
  specByName: ReadonlyMap<string, AccountSpec>;
}

interface SoakContext {
  options: SoakOptions;
  stack: ScaledStack;
  faults: Partial<FaultConfig>;
  burstEveryMs: number;
  inputs: { pollIntervalMs: number; taskTimeoutSeconds: number };
  faultsOn(): void;
  faultsOff(): void;
}

interface SoakReport {
  phases: SoakPhase[];
  reconciliation: Reconciliation;
  allFailures: ReportedFailure[];
  unclear: ReportedFailure[];
  injected: { serverErrorsOrResets: number; throttled: number; unauthorized: number; tasksInError: number };
  /** What the secrets check read: the tokens ISC issued and the plugin output lines it searched. */
  secretsChecked: { tokens: number; pluginOutputLines: number };
  converged: boolean;
  runsToConverge: number;
  checks: Check[];
}

const UPDATE_SHARE = 1 / 3;
const DELETE_SHARE = 1 / 4;
/** An ISC task timeout of 100 s at time scale 1 keeps waits for tasks that never show bounded. */
const TASK_TIMEOUT_SECONDS_UNSCALED = 100;
/**
 * A 429 burst of this many requests is armed every few rate windows while faults are on, and never
 * more often than every 2 s per request of the burst: Retry-After is whole seconds (at least 1) and
 * does not shrink with the time scale, so denser bursts would throttle a lone request forever,
 * which the real ISC, counting its own window, never does.
 */
const BURST_REQUESTS = 5;
const BURST_EVERY_WINDOWS = 3;
const BURST_MIN_SPACING_MS = BURST_REQUESTS * 2_000;
const MAX_LISTED = 5;

const percent = (share: number | undefined) => `${Math.round((share ?? 0) * 1000) / 10}%`;

function addSteps(counts: Record<string, number>, result: UpResult): void {
  for (const s of result.steps) counts[s.op] = (counts[s.op] ?? 0) + 1;
}

function modeOf(options: SoakOptions): "default" | "continue-on-error" {
  return options.continueOnError ? "continue-on-error" : "default";
}

function planWorkload(options: SoakOptions): Workload {
  const random = seededRandom(options.seed);
  const created = accountSpecs(options.accounts, "soak");
  const toUpdate = new Set(pickShare(created, UPDATE_SHARE, random).map((s) => s.name));
  const updated = withChangedEmail(created, (s) => toUpdate.has(s.name), "soaked").specs;
  const toDelete = new Set(pickShare(updated, DELETE_SHARE, random).map((s) => s.name));
  const final = updated.filter((s) => !toDelete.has(s.name));
  return { created, updated, final, toUpdate, toDelete, specByName: new Map(created.map((s) => [s.name, s])) };
}

async function startSoak(options: SoakOptions): Promise<SoakContext> {
  const { taskDelayMs, pollIntervalMs } = scaledTimings(options);
  // A tenant that does not merge a second create of one nativeIdentity: a duplicate POST shows as a duplicate account.
  const stack = await startScaledStack({
    timeScale: options.timeScale,
    taskDelayMs,
    parallel: options.parallel,
    tenant: { duplicateCreates: true },
  });
  const burstEveryMs = Math.max(stack.windowMs * BURST_EVERY_WINDOWS, BURST_MIN_SPACING_MS);
  const faults = soakFaults(options);
  let bursts: NodeJS.Timeout | undefined;
  return {
    options,
    stack,
    faults,
    burstEveryMs,
    inputs: {
      pollIntervalMs,
      taskTimeoutSeconds: Math.max(1, Math.round(TASK_TIMEOUT_SECONDS_UNSCALED * options.timeScale)),
    },
    faultsOn() {
      stack.sim.setFaults(faults);
      bursts = setInterval(() => stack.sim.setFaults({ rateLimitBurst: BURST_REQUESTS }), burstEveryMs);
    },
    faultsOff() {
      clearInterval(bursts);
      stack.sim.resetFaults();
    },
  };
}

function printHeader(ctx: SoakContext): void {
  const { options, faults } = ctx;
  console.log(
    `soak: ${options.accounts} accounts, --parallel ${options.parallel}, time scale ${options.timeScale}, mode ` +
      `${modeOf(options)} ` +
      `(${options.continueOnError ? "failures do not stop a run" : "a run stops at its first failure"}); faults: ` +
      `${percent(faults.errorRate)} of requests 5xx before applying, ${percent(faults.errorAfterApplyRate)} of ` +
      `writes applied then 500, ${percent(faults.resetRate)} resets, ${BURST_REQUESTS}x429 every ${ctx.burstEveryMs} ` +
      `ms, tokens expire after ${faults.tokenExpiryMs} ms, visibility delay ${faults.visibilityDelayMs} ms, ` +
      `${percent(faults.taskErrorRate)} of tasks end in ERROR`,
  );
}

/**
 * Runs `up` (a fresh plugin per run, as the CLI) until a run succeeds or `maxRuns` is reached; with
 * `runs: 1`, exactly once (the final check that nothing is left to do).
 */
async function runPhase(
  ctx: SoakContext,
  workload: Workload,
  phase: { name: string; faults: boolean; operations: string; declared: readonly AccountSpec[]; maxRuns: number },
): Promise<SoakPhase> {
  const { stack, options } = ctx;
  const desired = phase.declared.map((s) => stack.desired(s, ctx.inputs));
  const failures: ReportedFailure[] = [];
  const steps: Record<string, number> = {};
  let runs = 0;
  let converged = false;
  stack.sim.clearRequests();
  const started = performance.now();
  while (runs < phase.maxRuns && !converged) {
    runs++;
    await stack.nextCommand();
    if (phase.faults) ctx.faultsOn();
    const progress = startPhaseProgress("soak", `${phase.name} run ${runs}`, stack);
    const result = await stack.engine.up(desired, { continueOnError: options.continueOnError }).finally(() => {
      progress.stop();
      if (phase.faults) ctx.faultsOff();
    });
    addSteps(steps, result);
    failures.push(...result.errors.map((e) => ({ name: e.name, op: e.op, message: e.message })));
    converged = result.errors.length === 0 && !result.stopped;
    const changed = result.steps.filter((s) => s.op !== "same").length;
    console.log(
      `  ${phase.name} run ${runs}: ${changed} changes, ${result.errors.length} failed` +
        (result.stopped ? `, stopped (${result.skipped.length} not reached)` : "") +
        (converged ? ", converged" : ""),
    );
  }
  const wallMs = Math.round(performance.now() - started);
  const state = new Map(stack.engine.state().map((r) => [r.name, r.id]));
  const unclear = unclearFailures(failures, (resource) => {
    const spec = workload.specByName.get(resource);
    return spec && { nativeIdentity: spec.nativeIdentity, accountId: state.get(resource) };
  });
  const log = stack.sim.requests();
  const ambiguousPosts = log.filter(
    (e) => e.method === "POST" && e.path === "/v3/accounts" && (e.status === 0 || e.status >= 500),
  ).length;
  return {
    ...phase,
    runs,
    converged,
    wallMs,
    requests: summarizeRequests(log),
    ambiguousPosts,
    failures,
    unclear,
    steps,
  };
}

async function runPhases(ctx: SoakContext, workload: Workload): Promise<SoakPhase[]> {
  const { maxRuns } = ctx.options;
  const { created, updated, final, toUpdate, toDelete } = workload;
  return [
    await runPhase(ctx, workload, {
      name: "create",
      faults: true,
      operations: `create ${created.length}`,
      declared: created,
      maxRuns,
    }),
    await runPhase(ctx, workload, {
      name: "update",
      faults: true,
      operations: `update ${toUpdate.size}`,
      declared: updated,
      maxRuns,
    }),
    await runPhase(ctx, workload, {
      name: "delete",
      faults: true,
      operations: `delete ${toDelete.size}`,
      declared: final,
      maxRuns,
    }),
    await runPhase(ctx, workload, {
      name: "converge",
      faults: false,
      operations: "whatever is left",
      declared: final,
      maxRuns,
    }),
    await runPhase(ctx, workload, {
      name: "verify",
      faults: false,
      operations: "nothing",
      declared: final,
      maxRuns: 1,
    }),
  ];
}

function assess(
  ctx: SoakContext,
  workload: Workload,
  phases: SoakPhase[],
  preexistingIds: ReadonlySet<string>,
): SoakReport {
  const { stack } = ctx;
  const reconciliation = reconcile({
    declared: workload.final,
    state: stack.engine.state().map((r) => ({ name: r.name, id: r.id })),
    tenant: stack.sim.admin.listAccounts(),
    preexistingIds,
  });
  const allFailures = phases.flatMap((p) => p.failures.map((f) => ({ ...f, op: `${p.name}/${f.op}` })));
  const unclear = phases.flatMap((p) => p.unclear);
  // What a user sees and what Pulumi stores, against the client secret and every token ISC issued.
  const secrets = tenantSecrets(stack.sim);
  const pluginOutput = stack.diagnostics();
  const leaking = surfacesQuoting(
    { errors: allFailures.map((f) => f.message), pluginOutput, engine: stack.engine },
    secrets,
  );
  const secretsChecked = { tokens: secrets.length - 1, pluginOutputLines: pluginOutput.length };
  const faultPhases = phases.filter((p) => p.faults);
  const injected = {
    serverErrorsOrResets: faultPhases.reduce((n, p) => n + p.requests.failed, 0),
    throttled: faultPhases.reduce((n, p) => n + p.requests.throttled, 0),
    unauthorized: faultPhases.reduce((n, p) => n + p.requests.unauthorized, 0),
    tasksInError: stack.sim.admin.state().tasks.filter((t) => t.completionStatus === "ERROR").length,
  };
  const converge = phases.find((p) => p.name === "converge")!;
  const verify = phases.find((p) => p.name === "verify")!;
  const allSame = (verify.steps.same ?? 0) === workload.final.length && Object.keys(verify.steps).length === 1;
  const converged = converge.converged && verify.converged && allSame;
  const runsToConverge = phases.filter((p) => p.name !== "verify").reduce((n, p) => n + p.runs, 0);
  const checks = soakChecks(reconciliation, {
    failures: allFailures.length,
    unclear: unclear.length,
    leaking,
    converged,
    injected,
  });
  return { phases, reconciliation, allFailures, unclear, injected, secretsChecked, converged, runsToConverge, checks };
}

function printReport(report: SoakReport): void {
  const { phases, reconciliation, allFailures, unclear, injected } = report;
  console.log(
    `\nphase     faults  operations          runs  converged    wall   errors  unclear   5xx/reset   429   401  steps`,
  );
  for (const p of phases) {
    const steps = Object.entries(p.steps)
      .map(([op, n]) => `${op} ${n}`)
      .join(", ");
    console.log(
      `${p.name.padEnd(9)} ${(p.faults ? "on" : "off").padEnd(6)}  ${p.operations.padEnd(18)} ` +
        `${String(p.runs).padStart(5)}  ${(p.converged ? "yes" : "no").padEnd(9)}` +
        ` ${`${(p.wallMs / 1000).toFixed(1)}s`.padStart(7)}  ${String(p.failures.length).padStart(6)}  ` +
        `${String(p.unclear.length).padStart(7)}  ${String(p.requests.failed).padStart(10)}  ` +
        `${String(p.requests.throttled).padStart(4)}  ${String(p.requests.unauthorized).padStart(4)}  ${steps}`,
    );
  }
  const ambiguous = phases.reduce((n, p) => n + p.ambiguousPosts, 0);
  const unknownOutcome = allFailures.filter((f) => f.message.includes("outcome is unknown")).length;
  console.log(`runs of up until converged: ${report.runsToConverge}`);
  console.log(`tasks ended in ERROR: ${injected.tasksInError}`);
  console.log(
    `secrets checked: the client secret and ${report.secretsChecked.tokens} tokens, in errors, ` +
      `${report.secretsChecked.pluginOutputLines} lines of plugin output and state`,
  );
  console.log(
    `POST /v3/accounts answered 5xx or reset: ${ambiguous}; ${unknownOutcome} of them surfaced as "outcome unknown" ` +
      `(no account appeared before the task timeout), the rest were settled by looking the account up or failed ` +
      `otherwise (see below)`,
  );
  const kinds = failureKinds(allFailures);
  if (kinds.length > 0) console.log(`\nfailures by kind (${allFailures.length} in all):`);
  for (const k of kinds.slice(0, 12))
    console.log(`  ${String(k.count).padStart(4)}  ${k.kind}\n        e.g. ${k.example.slice(0, 300)}`);
  for (const f of unclear.slice(0, MAX_LISTED))
    console.log(`  UNCLEAR ${f.name} (${f.op}): ${f.message.slice(0, 300)}`);
  for (const o of reconciliation.orphans.slice(0, MAX_LISTED))
    console.log(`  ORPHAN ${o.id} ${o.sourceId}/${o.nativeIdentity}`);
  for (const d of reconciliation.duplicates.slice(0, MAX_LISTED))
    console.log(`  DUPLICATE ${d.sourceId}/${d.nativeIdentity}: ${d.ids.join(", ")}`);
  for (const m of reconciliation.missing.slice(0, MAX_LISTED))
    console.log(`  MISSING ${m.name} ${m.sourceId}/${m.nativeIdentity}`);
  for (const d of reconciliation.drifted.slice(0, MAX_LISTED)) console.log(`  DRIFTED ${d.name}: ${d.reason}`);
  const converge = phases.find((p) => p.name === "converge");
  for (const f of converge?.failures.slice(0, MAX_LISTED) ?? [])
    console.log(`  NOT CONVERGED ${f.name}: ${f.message.slice(0, 300)}`);

  console.log(
    `\nsummary: duplicates ${reconciliation.duplicates.length}, orphans ${reconciliation.orphans.length}, missing ` +
      `${reconciliation.missing.length}, ` +
      `failures ${allFailures.length} (unclear ${unclear.length}), runs to converge ${report.runsToConverge}, ` +
      `convergence ${report.converged ? "yes" : "no"}`,
  );
  for (const c of report.checks) console.log(`${c.pass ? "PASS" : "FAIL"}  ${c.name}: ${c.detail}`);
}

/** The last line of `--json`: one object with every figure. */
function jsonReport(ctx: SoakContext, report: SoakReport): string {
  const { phases, reconciliation, allFailures, unclear, injected } = report;
  return JSON.stringify({
    ...runFigures(ctx.options),
    mode: modeOf(ctx.options),
    faults: ctx.faults,
    phases: phases.map((p) => ({
      name: p.name,
      faults: p.faults,
      runs: p.runs,
      converged: p.converged,
      wallMs: p.wallMs,
      steps: p.steps,
      failures: p.failures.length,
      unclear: p.unclear.length,
      requests: p.requests.perBudget,
      serverErrorsOrResets: p.requests.failed,
      throttled: p.requests.throttled,
      unauthorized: p.requests.unauthorized,
      ambiguousPosts: p.ambiguousPosts,
    })),
    runsToConverge: report.runsToConverge,
    injected,
    ambiguousPosts: phases.reduce((n, p) => n + p.ambiguousPosts, 0),
    ambiguousReportedUnknown: allFailures.filter((f) => f.message.includes("outcome is unknown")).length,
    failureKinds: failureKinds(allFailures).map(({ kind, count }) => ({ kind, count })),
    duplicates: reconciliation.duplicates.length,
    orphans: reconciliation.orphans.length,
    missing: reconciliation.missing.length,
    phantoms: reconciliation.phantoms.length,
    strays: reconciliation.strays.length,
    drifted: reconciliation.drifted.length,
    failures: allFailures.length,
    failuresNamed: allFailures.length - unclear.length,
    secretsChecked: report.secretsChecked,
    converged: report.converged,
    checks: report.checks,
  });
}

async function main(options: SoakOptions): Promise<number> {
  const ctx = await startSoak(options);
  const watchdog = setTimeout(() => {
    console.error(`soak: not finished after ${options.timeLimit} s; stopping`);
    void ctx.stack.stop().finally(() => process.exit(3));
  }, options.timeLimit * 1000);
  watchdog.unref();
  try {
    const preexistingIds = new Set(ctx.stack.sim.admin.listAccounts().map((a) => a.id));
    const workload = planWorkload(options);
    printHeader(ctx);
    const report = assess(ctx, workload, await runPhases(ctx, workload), preexistingIds);
    printReport(report);
    if (options.json) console.log(jsonReport(ctx, report));
    return report.checks.every((c) => c.pass) ? 0 : 1;
  } finally {
    ctx.faultsOff();
    clearTimeout(watchdog);
    await ctx.stack.stop();
  }
}

if (require.main === module) runScript("soak", parseSoakOptions, main);
