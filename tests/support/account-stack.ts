/**
 * A test stack: the ISC simulator + the real Pulumi dynamic-provider plugin + the small engine that
 * drives it like `pulumi up`, with the Account provider serialized exactly as dynamic.Resource does.
 */
import * as path from "node:path";
import { startSimulator, type RunningSimulator, type SimulatorOptions } from "../../simulator";
import { PluginEngine, type DesiredResource } from "../../harness/engine";
import { CommandPlugin } from "../../harness/command-plugin";
import { serializeDynamicProvider, startProviderPlugin, type ProviderPlugin } from "../../harness/plugin";
import { accountProvider } from "../../provider/resources/account";

export const ACCOUNT_TYPE = "pulumi-nodejs:dynamic/isc:Account";
/** The repository root: the plugin's cwd, where `pulumi-isc-accounts` resolves by self-reference. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface AccountStack {
  sim: RunningSimulator;
  plugin: ProviderPlugin;
  engine: PluginEngine;
  providerText: string;
  account(name: string, inputs: Record<string, unknown>): DesiredResource;
  /** A fresh plugin process for the next command, as the Pulumi CLI starts one per command (state carries over). */
  nextCommand(): Promise<void>;
  stop(): Promise<void>;
}

/** `programDir`: the plugin's cwd, whose @pulumi/pulumi serves the calls (the CLI runs the program's own). */
export async function startAccountStack(
  simOptions: SimulatorOptions = {},
  parallel = 8,
  programDir = REPO_ROOT,
): Promise<AccountStack> {
  const sim = await startSimulator({ port: 0, taskDelayMs: 20, ...simOptions });
  const [client] = sim.clients;
  const config = { "isc:baseUrl": sim.url, "isc:clientId": client.clientId, "isc:clientSecret": client.clientSecret };
  const plugin = new CommandPlugin(() =>
    startProviderPlugin({ cwd: programDir, withoutSailEnv: true, project: "isc-test", config }),
  );
  await plugin.restart();
  // The engine configures each command's plugin: up with the current config, refresh/destroy from state.
  const engine = new PluginEngine(plugin, {
    project: "isc-test",
    stack: "test",
    parallel,
    config,
    secretConfigKeys: ["isc:clientSecret"],
  });
  const providerText = await serializeDynamicProvider(accountProvider);
  return {
    sim,
    plugin,
    engine,
    providerText,
    async nextCommand() {
      await plugin.restart();
    },
    account: (name, inputs) => ({ type: ACCOUNT_TYPE, name, inputs: { ...inputs, __provider: providerText } }),
    async stop() {
      await plugin.stop();
      await sim.stop();
    },
  };
}

/**
 * Registers mocha hooks that start a stack before the suite (`"suite"`) or before each test
 * (`"test"`), hand it to `use`, and stop it after.
 */
export function withAccountStack(
  use: (stack: AccountStack) => void,
  simOptions: SimulatorOptions = {},
  scope: "suite" | "test" = "suite",
): void {
  let started: AccountStack | undefined;
  const [start, stop] = scope === "suite" ? [before, after] : [beforeEach, afterEach];
  start(async () => {
    started = await startAccountStack(simOptions);
    use(started);
  });
  stop(async () => started?.stop());
}
