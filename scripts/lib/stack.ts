/**
 * The stack a benchmark or soak drives: the ISC simulator with ISC's rate-limit shape on a scaled
 * clock, the real @pulumi/pulumi dynamic-provider plugin, and the harness engine. Like the Pulumi
 * CLI, every command (up, refresh, destroy) runs in a FRESH plugin process while the state carries
 * over, so per-command costs (token, source schema reads) and per-command memory are real. The
 * program directory has the package installed (installed-program.ts), as a user's has.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PluginEngine, type DesiredResource } from "../../harness/engine";
import { CommandPlugin } from "../../harness/command-plugin";
import { startProviderPlugin } from "../../harness/plugin";
import { startSimulator, type FaultConfig, type RunningSimulator, type TenantSettings } from "../../simulator";
import { accountProviderTextIn, installedProgram } from "./installed-program";
import type { AccountSpec } from "./workload";

export const ACCOUNT_TYPE = "pulumi-nodejs:dynamic/isc:Account";
/** ISC's limit: 100 requests per client id per API version per 10 s. */
export const ISC_RATE_LIMIT = { requestsPerWindow: 100, windowMs: 10_000 } as const;
/** The provider's own limiter, given explicitly (it is also the provider's default): a little under ISC's. */
export const PROVIDER_REQUESTS_PER_WINDOW = 95;
const PROJECT = "isc-scale";

export interface ScaledStackOptions {
  /** 0.1: ISC's 10 s window lasts 1 s, for the simulator and for the provider's own limiter. */
  timeScale: number;
  /** Simulator task duration (already scaled). */
  taskDelayMs: number;
  parallel: number;
  faults?: Partial<FaultConfig>;
  /**
   * The tenant's account identity rules (simulator/README.md); the soak runs with duplicateCreates so
   * duplicates show.
   */
  tenant?: Partial<TenantSettings>;
}

export interface ScaledStack {
  sim: RunningSimulator;
  engine: PluginEngine;
  /**
   * The serialized provider, as `pulumi.dynamic.Resource` stores it in `__provider` in a program with
   * the package installed.
   */
  providerText: string;
  /** The rate-limit window both sides use. */
  windowMs: number;
  /** Starts the plugin process for the next command (stopping the previous one); returns its pid. */
  nextCommand(): Promise<number>;
  /** What the Pulumi CLI would have printed of the plugin's output so far (ProviderPlugin.diagnostics). */
  diagnostics(): string[];
  desired(spec: AccountSpec, extraInputs?: Record<string, unknown>): DesiredResource;
  stop(): Promise<void>;
}

/** The repository root: the plugin's cwd, where `pulumi-isc-accounts` resolves by self-reference. */
export function repositoryRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "pulumi-isc-accounts"
    )
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no pulumi-isc-accounts package.json above ${from}`);
  }
}

export async function startScaledStack(options: ScaledStackOptions): Promise<ScaledStack> {
  const windowMs = Math.round(ISC_RATE_LIMIT.windowMs * options.timeScale);
  const sim = await startSimulator({
    port: 0,
    taskDelayMs: options.taskDelayMs,
    rateLimit: { ...ISC_RATE_LIMIT },
    timeScale: options.timeScale,
    faults: options.faults ?? {},
    tenant: options.tenant,
  });
  const [client] = sim.clients;
  const config = {
    "isc:baseUrl": sim.url,
    "isc:clientId": client.clientId,
    "isc:clientSecret": client.clientSecret,
    "isc:requestsPerWindow": String(PROVIDER_REQUESTS_PER_WINDOW),
    "isc:rateLimitWindowMs": String(windowMs),
  };
  const program = installedProgram(repositoryRoot());
  const plugin = new CommandPlugin(() =>
    startProviderPlugin({ cwd: program.dir, withoutSailEnv: true, project: PROJECT, config }),
  );
  const engine = new PluginEngine(plugin, {
    project: PROJECT,
    stack: "scale",
    parallel: options.parallel,
    config,
    secretConfigKeys: ["isc:clientSecret"],
  });
  let providerText: string;
  try {
    providerText = accountProviderTextIn(program.dir);
  } catch (err) {
    program.remove();
    await sim.stop();
    throw err;
  }
  return {
    sim,
    engine,
    providerText,
    windowMs,
    nextCommand: () => plugin.restart(),
    diagnostics: () => plugin.diagnostics(),
    desired: (spec, extraInputs = {}) => ({
      type: ACCOUNT_TYPE,
      name: spec.name,
      inputs: {
        sourceId: spec.sourceId,
        nativeIdentity: spec.nativeIdentity,
        attributes: spec.attributes,
        ...extraInputs,
        __provider: providerText,
      },
    }),
    async stop() {
      await plugin.stop();
      await sim.stop();
      program.remove();
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
