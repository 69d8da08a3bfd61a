/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` and captures what it registers, so the harness engine
 * can then drive the real plugin with exactly what a `pulumi up` would send.
 *
 * Found by experiment with @pulumi/pulumi 3.248 (see tests/unit/harness/program.test.ts):
 * - Waiting: the stack outputs (`runInPulumiStack`) resolve once the resources they depend on are registered;
 *   `waitForRPCs` (runtime/settings, internal) then waits for every other registration still in flight.
 * - A provider that `serializeFunction` refuses (e.g. one capturing a native function) never reaches the mock:
 *   `registerResource` only rethrows into a promise nobody awaits, so the failure is an `unhandledRejection`
 *   (emitted in the same tick as `waitForRPCs` settles, hence one extra macrotask turn), and outputs that
 *   depend on that resource never resolve. We listen for `unhandledRejection` while capturing and reject with
 *   it; ANY unhandled rejection during a capture fails it.
 * - Running twice in one process works: `setMocks` resets the runtime options each time. The limits: one
 *   capture at a time (the runtime state, config included, is process-global); a failed capture leaves
 *   never-settling promises that Pulumi's exit hook would report as "promises were still active" and turn into
 *   exit code 1, so we reset the runtime (`resetOptions`, which clears that leak list) after every capture.
 *   Serialized providers are cached per provider object (WeakMap) for the life of the process.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DesiredResource } from "./engine";
import { UNKNOWN, unwrapSecrets, type PropertyMap } from "./properties";

export interface CaptureOptions {
  project: string;
  stack: string;
  /** Stack config, namespaced keys ("isc:baseUrl"); what `new pulumi.Config("isc").get("baseUrl")` reads. */
  config?: Record<string, string>;
  /** Give up if the program has not finished registering by then. Default 30000 ms. */
  timeoutMs?: number;
  /**
   * Run as `pulumi preview` does (`pulumi.runtime.isDryRun()` is true): a resource being created has an unknown
   * id, and its outputs are its inputs (provider_plugin.go Create/Update with Preview for a provider without
   * preview support), so anything else computed from it is unknown and reaches dependants as the UNKNOWN
   * sentinel. `existing` gives the id of resources already in state. Not kinder than the engine: an existing
   * resource's outputs are also just its inputs (right for an update; a same step would keep the old outputs).
   */
  preview?: { existing?: (type: string, name: string) => string | undefined };
}

export interface CapturedProgram {
  /** Custom resources (provider resources excluded) in registration order, secrets unwrapped. */
  resources: DesiredResource[];
  /** The program's return value as stack outputs. */
  outputs: Record<string, unknown>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** After a failure, wait until rejections stop arriving (a failed registration emits several). */
const QUIET_PERIOD_MS = 50;
const MAX_QUIET_WAIT_MS = 1_000;

interface RuntimeSettingsInternals {
  waitForRPCs(): Promise<void>;
}
const runtimeSettings = require("@pulumi/pulumi/runtime/settings") as RuntimeSettingsInternals;

let captureInProgress = false;

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function captureProgram(run: () => unknown, opts: CaptureOptions): Promise<CapturedProgram> {
  if (captureInProgress)
    throw new Error("captureProgram runs one program at a time: Pulumi's runtime state is process-global");
  captureInProgress = true;

  const resources: DesiredResource[] = [];
  let failure: { reason: unknown } | undefined;
  let lastFailureAt = 0;
  let signalFailure: (reason: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (signalFailure = reject));
  failed.catch(() => {});
  const onUnhandledRejection = (reason: unknown) => {
    lastFailureAt = Date.now();
    if (failure) return;
    failure = { reason };
    signalFailure(reason);
  };

  const previousConfig = pulumi.runtime.allConfig();
  process.on("unhandledRejection", onUnhandledRejection);
  let timer: NodeJS.Timeout | undefined;
  try {
    pulumi.runtime.setAllConfig(opts.config ?? {});
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          if (args.custom && !args.type.startsWith("pulumi:providers:")) {
            resources.push({
              type: args.type,
              name: args.name,
              inputs: encodeUnknowns(unwrapSecrets(args.inputs)) as PropertyMap,
            });
          }
          const state = args.inputs as Record<string, unknown>;
          if (opts.preview) return { id: opts.preview.existing?.(args.type, args.name), state };
          return { id: `${args.name}-id`, state };
        },
        call: (args) => args.inputs as Record<string, unknown>,
      },
      opts.project,
      opts.stack,
      opts.preview !== undefined,
    );

    const completed = (async () => {
      const outputs = await pulumi.runtime.runInPulumiStack(async () => run());
      await runtimeSettings.waitForRPCs();
      await nextMacrotask();
      return outputs;
    })();
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the program did not finish registering within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const outputs = await Promise.race([completed, failed, timedOut]);
    if (failure) throw failure.reason;
    return { resources, outputs: outputs ?? {} };
  } catch (error) {
    await waitForQuiet(() => lastFailureAt);
    throw error;
  } finally {
    clearTimeout(timer);
    process.off("unhandledRejection", onUnhandledRejection);
    pulumi.runtime.resetOptions(opts.project, opts.stack, -1, "", "", false, "");
    pulumi.runtime.setAllConfig(previousConfig);
    captureInProgress = false;
  }
}

/** Unknown values (preview only) travel to the provider as the UNKNOWN sentinel string, as the engine sends them. */
function encodeUnknowns(value: unknown): unknown {
  if (pulumi.isUnknown(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map(encodeUnknowns);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, encodeUnknowns(v)]));
}

async function waitForQuiet(lastEventAt: () => number): Promise<void> {
  const deadline = Date.now() + MAX_QUIET_WAIT_MS;
  while (Date.now() < deadline && Date.now() - lastEventAt() < QUIET_PERIOD_MS) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
