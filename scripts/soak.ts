/**
 * `npm run soak`: a bounded fault run. N accounts go through create, update and delete while the
 * simulator injects 5xx (some after applying the change: the dangerous case for POST /accounts),
 * connection resets, 429 bursts, token expiry, eventual consistency and failing tasks. Every
 * failure must name its account or task. Then faults go off: one `up` must converge everything
 * and a further `up` must find nothing to do. Finally the tenant is compared with what was
 * declared: no duplicates, no orphans, nothing missing. Exits non-zero if any check fails.
 *
 *   node dist/scripts/soak.js [--accounts 300] [--parallel 16] [--time-scale 0.1] [--json]
 */
import type { UpResult } from "../harness/engine";
import { reconcile } from "./lib/accounting";
import { failureKinds, failuresLeaking, unclearFailures, type ReportedFailure } from "./lib/failures";
import { parseSoakOptions, runFigures, scaledTimings, type SoakOptions } from "./lib/options";
import { startPhaseProgress } from "./lib/phase-progress";
import { runScript } from "./lib/run-script";
import { summarizeRequests, type RequestFigures } from "./lib/request-stats";
import { soakChecks, soakFaults } from "./lib/soak-checks";
import { startScaledStack } from "./lib/stack";
import { accountSpecs, pickShare, seededRandom, withChangedEmail, type AccountSpec } from "./lib/workload";

interface SoakPhase {
  name: string;
  faults: boolean;
  operations: string;
  wallMs: number;
  requests: RequestFigures;
  /** POST /v3/accounts answered 5xx or reset: the client cannot know whether it was applied. */
  ambiguousPosts: number;
  failures: ReportedFailure[];
  unclear: ReportedFailure[];
  steps: Record<string, number>;
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

function stepCounts(result: UpResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of result.steps) counts[s.op] = (counts[s.op] ?? 0) + 1;
  return counts;
}

async function main(options: SoakOptions): Promise<number> {
  const { taskDelayMs, pollIntervalMs } = scaledTimings(options);
  const faults = soakFaults(options);
  // A tenant that does not merge a second create of one nativeIdentity: a duplicate POST shows as a duplicate account.
  const stack = await startScaledStack({ timeScale: options.timeScale, taskDelayMs, parallel: options.parallel, tenant: { duplicateCreates: true } });
  const watchdog = setTimeout(() => {
    console.error(`soak: not finished after ${options.timeLimit} s; stopping`);
    void stack.stop().finally(() => process.exit(3));
  }, options.timeLimit * 1000);
  watchdog.unref();
  let bursts: NodeJS.Timeout | undefined;
  const burstEveryMs = Math.max(stack.windowMs * BURST_EVERY_WINDOWS, BURST_MIN_SPACING_MS);
  const faultsOn = () => {
    stack.sim.setFaults(faults);
    bursts = setInterval(() => stack.sim.setFaults({ rateLimitBurst: BURST_REQUESTS }), burstEveryMs);
  };
  const faultsOff = () => {
    clearInterval(bursts);
    stack.sim.resetFaults();
  };

  try {
    const preexistingIds = new Set(stack.sim.admin.listAccounts().map((a) => a.id));
    const random = seededRandom(options.seed);
    const inputs = { pollIntervalMs, taskTimeoutSeconds: Math.max(1, Math.round(TASK_TIMEOUT_SECONDS_UNSCALED * options.timeScale)) };
    const created = accountSpecs(options.accounts, "soak");
    const specByName = new Map(created.map((s) => [s.name, s]));
    const toUpdate = new Set(pickShare(created, UPDATE_SHARE, random).map((s) => s.name));
    const updated = withChangedEmail(created, (s) => toUpdate.has(s.name), "soaked").specs;
    const toDelete = new Set(pickShare(updated, DELETE_SHARE, random).map((s) => s.name));
    const final = updated.filter((s) => !toDelete.has(s.name));

    const phases: SoakPhase[] = [];
    const run = async (name: string, withFaults: boolean, operations: string, declared: readonly AccountSpec[]): Promise<SoakPhase> => {
      await stack.nextCommand();
      stack.sim.clearRequests();
      if (withFaults) faultsOn();
      const started = performance.now();
      const progress = startPhaseProgress("soak", name, stack);
      const result = await stack.engine.up(declared.map((s) => stack.desired(s, inputs))).finally(() => progress.stop());
      const wallMs = Math.round(performance.now() - started);
      if (withFaults) faultsOff();
      const state = new Map(stack.engine.state().map((r) => [r.name, r.id]));
      const failures = result.errors.map((e) => ({ name: e.name, op: e.op, message: e.message }));
      const unclear = unclearFailures(failures, (resource) => {
        const spec = specByName.get(resource);
        return spec && { nativeIdentity: spec.nativeIdentity, accountId: state.get(resource) };
      });
      const log = stack.sim.requests();
      const ambiguousPosts = log.filter((e) => e.method === "POST" && e.path === "/v3/accounts" && (e.status === 0 || e.status >= 500)).length;
      const phase = { name, faults: withFaults, operations, wallMs, requests: summarizeRequests(log), ambiguousPosts, failures, unclear, steps: stepCounts(result) };
      phases.push(phase);
      return phase;
    };

    console.log(
      `soak: ${options.accounts} accounts, --parallel ${options.parallel}, time scale ${options.timeScale}; faults: ` +
        `${percent(faults.errorRate)} of requests 5xx before applying, ${percent(faults.errorAfterApplyRate)} of writes applied then 500, ` +
        `${percent(faults.resetRate)} resets, ${BURST_REQUESTS}x429 every ` +
        `${burstEveryMs} ms, tokens expire after ${faults.tokenExpiryMs} ms, ` +
        `visibility delay ${faults.visibilityDelayMs} ms, ${percent(faults.taskErrorRate)} of tasks end in ERROR`,
    );
    await run("create", true, `create ${created.length}`, created);
    await run("update", true, `update ${toUpdate.size}`, updated);
    await run("delete", true, `delete ${toDelete.size}`, final);
    const converge = await run("converge", false, "whatever is left", final);
    const verify = await run("verify", false, "nothing", final);

    const tenant = stack.sim.admin.listAccounts();
    const state = stack.engine.state();
    const reconciliation = reconcile({
      declared: final,
      state: state.map((r) => ({ name: r.name, id: r.id })),
      tenant,
      preexistingIds,
    });
    const allFailures = phases.flatMap((p) => p.failures.map((f) => ({ ...f, op: `${p.name}/${f.op}` })));
    const unclear = phases.flatMap((p) => p.unclear);
    const [client] = stack.sim.clients;
    const leaking = failuresLeaking(allFailures, [client.clientSecret]);
    const faultPhases = phases.filter((p) => p.faults);
    const injected = {
      serverErrorsOrResets: faultPhases.reduce((n, p) => n + p.requests.failed, 0),
      throttled: faultPhases.reduce((n, p) => n + p.requests.throttled, 0),
      unauthorized: faultPhases.reduce((n, p) => n + p.requests.unauthorized, 0),
      tasksInError: stack.sim.admin.state().tasks.filter((t) => t.completionStatus === "ERROR").length,
    };
    const allSame = (verify.steps.same ?? 0) === final.length && Object.keys(verify.steps).length === 1;
    const converged = converge.failures.length === 0 && verify.failures.length === 0 && allSame;
    const checks = soakChecks(reconciliation, { failures: allFailures.length, unclear: unclear.length, leaking: leaking.length, converged, injected });

    console.log(`\nphase     faults  operations            wall   errors  unclear   5xx/reset   429   401  steps`);
    for (const p of phases) {
      const steps = Object.entries(p.steps).map(([op, n]) => `${op} ${n}`).join(", ");
      console.log(
        `${p.name.padEnd(9)} ${(p.faults ? "on" : "off").padEnd(6)}  ${p.operations.padEnd(18)} ${`${(p.wallMs / 1000).toFixed(1)}s`.padStart(6)}` +
          `  ${String(p.failures.length).padStart(6)}  ${String(p.unclear.length).padStart(7)}  ${String(p.requests.failed).padStart(10)}` +
          `  ${String(p.requests.throttled).padStart(4)}  ${String(p.requests.unauthorized).padStart(4)}  ${steps}`,
      );
    }
    const ambiguous = phases.reduce((n, p) => n + p.ambiguousPosts, 0);
    const unknownOutcome = allFailures.filter((f) => f.message.includes("outcome is unknown")).length;
    console.log(`tasks ended in ERROR: ${injected.tasksInError}`);
    console.log(
      `POST /v3/accounts answered 5xx or reset: ${ambiguous}; ${unknownOutcome} of them surfaced as "outcome unknown" ` +
        `(no account appeared before the task timeout), the rest were settled by looking the account up or failed otherwise (see below)`,
    );
    const kinds = failureKinds(allFailures);
    if (kinds.length > 0) console.log(`\nfailures by kind (${allFailures.length} in all):`);
    for (const k of kinds.slice(0, 12)) console.log(`  ${String(k.count).padStart(4)}  ${k.kind}\n        e.g. ${k.example.slice(0, 300)}`);
    for (const f of unclear.slice(0, MAX_LISTED)) console.log(`  UNCLEAR ${f.name} (${f.op}): ${f.message.slice(0, 300)}`);
    for (const o of reconciliation.orphans.slice(0, MAX_LISTED)) console.log(`  ORPHAN ${o.id} ${o.sourceId}/${o.nativeIdentity}`);
    for (const d of reconciliation.duplicates.slice(0, MAX_LISTED)) console.log(`  DUPLICATE ${d.sourceId}/${d.nativeIdentity}: ${d.ids.join(", ")}`);
    for (const m of reconciliation.missing.slice(0, MAX_LISTED)) console.log(`  MISSING ${m.name} ${m.sourceId}/${m.nativeIdentity}`);
    for (const d of reconciliation.drifted.slice(0, MAX_LISTED)) console.log(`  DRIFTED ${d.name}: ${d.reason}`);
    for (const f of converge.failures.slice(0, MAX_LISTED)) console.log(`  NOT CONVERGED ${f.name}: ${f.message.slice(0, 300)}`);

    console.log(
      `\nsummary: duplicates ${reconciliation.duplicates.length}, orphans ${reconciliation.orphans.length}, missing ${reconciliation.missing.length}, ` +
        `failures ${allFailures.length} (unclear ${unclear.length}), convergence ${converged ? "yes" : "no"}`,
    );
    for (const c of checks) console.log(`${c.pass ? "PASS" : "FAIL"}  ${c.name}: ${c.detail}`);
    if (options.json) {
      console.log(
        JSON.stringify({
          ...runFigures(options),
          faults,
          phases: phases.map((p) => ({
            name: p.name,
            faults: p.faults,
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
          injected,
          ambiguousPosts: ambiguous,
          ambiguousReportedUnknown: unknownOutcome,
          failureKinds: kinds.map(({ kind, count }) => ({ kind, count })),
          duplicates: reconciliation.duplicates.length,
          orphans: reconciliation.orphans.length,
          missing: reconciliation.missing.length,
          phantoms: reconciliation.phantoms.length,
          strays: reconciliation.strays.length,
          drifted: reconciliation.drifted.length,
          converged,
          checks,
        }),
      );
    }
    return checks.every((c) => c.pass) ? 0 : 1;
  } finally {
    faultsOff();
    clearTimeout(watchdog);
    await stack.stop();
  }
}

if (require.main === module) runScript("soak", parseSoakOptions, main);
