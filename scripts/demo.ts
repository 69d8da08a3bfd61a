/**
 * `npm run demo`: the main job end to end, with no tenant and no credentials.
 *
 * 1. starts the embedded ISC simulator (demo tenant: two flat-file sources);
 * 2. applies examples/gitops: with `pulumi up` on a local file backend when a Pulumi CLI is on PATH,
 *    otherwise through the real @pulumi/pulumi dynamic-provider plugin driven as the engine drives it;
 * 3. runs `up` again (nothing to do) and changes accounts out of band, as an admin in the UI would;
 * 4. shows the drift: `pulumi refresh`-style through the provider, and `isc-accounts drift`;
 * 5. stops everything it started.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { captureProgram } from "../harness/program";
import { PluginEngine, type Step } from "../harness/engine";
import { startProviderPlugin, type ProviderPlugin } from "../harness/plugin";
import { runCli } from "../provider/cli/run";
import { startSimulator, DEMO_IDS, type RunningSimulator } from "../simulator";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const PROJECT_DIR = path.join(REPO_ROOT, "examples", "gitops");
const DEFINITIONS = path.join(PROJECT_DIR, "accounts");
const SOURCE_NAMES: Record<string, string> = {
  [DEMO_IDS.hrSource]: "HR Flat File",
  [DEMO_IDS.contractorsSource]: "Contractors CSV",
};

/** Thrown at the next step once nobody reads stdout any more (`npm run demo | head -3`). */
class StdoutClosed extends Error {}
let stdoutClosed = false;

/**
 * Once the reader has gone, every write fails with EPIPE (an 'error' event, which would otherwise
 * crash the demo and leave the plugin process running). Note it; the next step then ends the demo
 * the normal way, through the `finally` that stops everything it started, with exit code 0.
 */
function endWhenStdoutCloses(): void {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE" && !stdoutClosed) throw err;
    stdoutClosed = true; // later writes to the closed stream fail too: nothing to report
  });
}

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const heading = (s: string) => {
  if (stdoutClosed) throw new StdoutClosed("stdout closed");
  console.log(`\n${bold(`== ${s}`)}  (${elapsed()})`);
};

function label(resourceName: string): string {
  const [sourceId, ...rest] = resourceName.split("/");
  return `${SOURCE_NAMES[sourceId] ?? sourceId} / ${rest.join("/")}`;
}

/** `adopted`: creates that took over an existing account (`adopt: true`), shown as "adopt", not "create". */
function printSteps(
  steps: readonly Step[],
  errors: readonly { name: string; message: string }[],
  adopted: ReadonlySet<string> = new Set(),
): void {
  const symbol: Record<string, string> = {
    create: "+",
    adopt: "=",
    update: "~",
    replace: "+-",
    delete: "-",
    same: " ",
  };
  for (const step of [...steps].sort((a, b) => a.name.localeCompare(b.name))) {
    const error = errors.find((e) => e.name === step.name);
    const op = step.op === "create" && adopted.has(step.name) ? "adopt" : step.op;
    console.log(
      `  ${symbol[op] ?? "?"} ${op.padEnd(7)} ${label(step.name)}${error ? `  FAILED: ${error.message}` : ""}`,
    );
  }
}

function pulumiCliAvailable(): boolean {
  return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

/** With a Pulumi CLI: the real thing, on a throwaway local backend. */
function applyWithPulumiCli(sim: RunningSimulator): void {
  const backend = fs.mkdtempSync(path.join(os.tmpdir(), "isc-demo-backend-"));
  const [client] = sim.clients;
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "demo",
    SAIL_BASE_URL: sim.url,
    SAIL_CLIENT_ID: client.clientId,
    SAIL_CLIENT_SECRET: client.clientSecret,
  };
  const run = (cmd: string, args: string[]) => {
    const result = spawnSync(cmd, args, { cwd: PROJECT_DIR, env, stdio: "inherit" });
    if (result.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${result.status}`);
  };
  run("npm", ["install", "--no-audit", "--no-fund"]);
  run("pulumi", ["stack", "select", "--create", "demo"]);
  run("pulumi", ["up", "--yes", "--skip-preview"]);
  run("pulumi", ["up", "--yes", "--expect-no-changes"]);
}

/** Without a CLI: the real dynamic-provider plugin, driven through Check/Diff/Create/Update/Read like the engine. */
async function applyWithPlugin(
  sim: RunningSimulator,
  plugin: ProviderPlugin,
  config: Record<string, string>,
): Promise<PluginEngine> {
  const cwd = process.cwd();
  process.chdir(PROJECT_DIR); // Pulumi runs a program in its project directory
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled example, loaded as Pulumi would
  const program = await captureProgram(() => require(path.join(REPO_ROOT, "dist", "examples", "gitops", "index.js")), {
    project: "isc-accounts-gitops",
    stack: "demo",
  }).finally(() => process.chdir(cwd));
  console.log(
    `  program registered ${program.resources.length} accounts from ${path.relative(REPO_ROOT, DEFINITIONS)}/*.yaml`,
  );

  const engine = new PluginEngine(plugin, {
    project: "isc-accounts-gitops",
    stack: "demo",
    parallel: 8,
    config,
    secretConfigKeys: ["isc:clientSecret"],
  });

  heading("pulumi up");
  const existedBefore = new Set(
    [DEMO_IDS.hrSource, DEMO_IDS.contractorsSource].flatMap((id) => sim.admin.listAccounts(id).map((a) => a.id)),
  );
  const first = await engine.up(program.resources);
  const adopted = new Set(
    engine
      .state()
      .filter((r) => existedBefore.has((r.outputs as { accountId: string }).accountId))
      .map((r) => r.name),
  );
  printSteps(first.steps, first.errors, adopted);
  if (first.errors.length > 0) throw new Error(`${first.errors.length} resource(s) failed`);
  for (const r of engine.state()) {
    const o = r.outputs as { accountId: string; enabled: boolean; identityId: string | null };
    const how = adopted.has(r.name) ? "existing account adopted" : "created";
    console.log(
      `    ${label(r.name).padEnd(34)} id ${o.accountId}  ${o.enabled ? "enabled " : "disabled"}  ` +
        `${(o.identityId ? "correlated" : "uncorrelated").padEnd(12)}  ${how}`,
    );
  }

  heading("pulumi up (again: nothing should change)");
  const second = await engine.up(program.resources);
  const unchanged = second.steps.filter((s) => s.op === "same").length;
  console.log(`  ${unchanged} of ${second.steps.length} unchanged, ${second.errors.length} errors`);
  if (unchanged !== second.steps.length) throw new Error("a second up planned changes");
  return engine;
}

async function main(): Promise<void> {
  endWhenStdoutCloses();
  const sim = await startSimulator({ port: 0, taskDelayMs: 100 });
  let plugin: ProviderPlugin | undefined;
  let engine: PluginEngine | undefined;
  try {
    heading(`ISC simulator listening on ${sim.url} (demo tenant: "HR Flat File", "Contractors CSV")`);
    const viaCli = pulumiCliAvailable();
    console.log(
      viaCli
        ? "  Pulumi CLI found: applying examples/gitops with `pulumi up` on a local file backend"
        : "  No Pulumi CLI on PATH: applying examples/gitops through the real @pulumi/pulumi dynamic-provider " +
            "plugin,\n  driven over gRPC the way the Pulumi engine drives it (Configure, Check, Diff, Create, " +
            "Update, Read)",
    );
    if (viaCli) {
      applyWithPulumiCli(sim);
    } else {
      const [client] = sim.clients;
      const config = {
        "isc:baseUrl": sim.url,
        "isc:clientId": client.clientId,
        "isc:clientSecret": client.clientSecret,
      };
      // The plugin's working directory is the repository root, where `pulumi-isc-accounts` resolves
      // to this checkout (a user's program directory has it in node_modules instead).
      plugin = await startProviderPlugin({ cwd: REPO_ROOT, project: "isc-accounts-gitops", config });
      engine = await applyWithPlugin(sim, plugin, config);
    }

    heading("Out-of-band changes in the tenant (as an admin in the UI or an aggregation would)");
    const find = (sourceId: string, nativeIdentity: string) =>
      sim.admin.listAccounts(sourceId).find((a) => a.nativeIdentity === nativeIdentity);
    const katherine = find(DEMO_IDS.hrSource, "E1003");
    const margaret = find(DEMO_IDS.hrSource, "E1004");
    if (!katherine || !margaret) throw new Error("the demo accounts were not created");
    sim.admin.updateAccount(katherine.id, { attributes: { email: "kj@personal.example" } });
    console.log("  HR Flat File / E1003: email changed to kj@personal.example");
    sim.admin.updateAccount(margaret.id, { disabled: true });
    console.log("  HR Flat File / E1004: disabled");
    sim.admin.createAccount({
      sourceId: DEMO_IDS.contractorsSource,
      nativeIdentity: "mallory",
      attributes: { displayName: "Mallory", email: "mallory@example.net" },
    });
    console.log("  Contractors CSV / mallory: new account nobody declared");

    if (engine) {
      heading("pulumi refresh (what Pulumi state sees)");
      const refresh = await engine.refresh();
      for (const step of refresh.steps.filter((s) => s.op !== "same")) console.log(`  ~ drifted ${label(step.name)}`);
      console.log(`  ${refresh.steps.filter((s) => s.op === "same").length} unchanged`);
    }

    heading("isc-accounts drift examples/gitops/accounts --include-unmanaged");
    const [client] = sim.clients;
    const code = await runCli(["drift", DEFINITIONS, "--include-unmanaged"], {
      stdout: process.stdout,
      stderr: process.stderr,
      env: {
        ...process.env,
        SAIL_BASE_URL: sim.url,
        SAIL_CLIENT_ID: client.clientId,
        SAIL_CLIENT_SECRET: client.clientSecret,
      },
      isTTY: false,
    });
    console.log(`  exit code ${code} (0 = no drift, 2 = drift found, 1 = error)`);
    if (code !== 2) throw new Error(`expected the drift check to report drift (exit 2), got ${code}`);

    if (engine) {
      heading("pulumi up (reverts the drift of managed accounts)");
      const program = engine.state().map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
      const revert = await engine.up(program);
      printSteps(
        revert.steps.filter((s) => s.op !== "same"),
        revert.errors,
      );
    }
    heading(`Done in ${elapsed()}; simulator and plugin stopped`);
  } finally {
    await plugin?.stop();
    await sim.stop();
  }
}

main().catch((err: unknown) => {
  if (err instanceof StdoutClosed) return; // the reader has seen what it wanted: a normal end
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
