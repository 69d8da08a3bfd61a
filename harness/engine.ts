/**
 * A small deployment engine that drives one dynamic-provider plugin the way `pulumi preview/up/refresh/destroy`
 * do. It is never kinder than the engine; each rule names the pulumi/pulumi file it follows:
 *
 * 1. Stops at the first failure (pkg/resource/deploy/step_executor.go cancelDueToError,
 *    deployment_executor.go Execute): a failed Create/Update/Delete cancels the run unless `continueOnError`
 *    (the CLI's --continue-on-error): no new step starts, running ones finish, and NO deletes run (deletes,
 *    replaced resources' included, are post-steps that only run when the event loop ends normally). A Check
 *    failure ends the whole run (step_generator.go: BailErrorf "resource %s is invalid"), in preview too and even
 *    with `continueOnError`; so does an error from Check or Diff themselves (step generator errors bail).
 * 2. Refresh calls Read, then the provider's Diff (step.go RefreshStep.Apply, step_generator.go diffResource):
 *    olds = refreshed outputs, news = stored inputs, oldInputs = refreshed inputs; an "unknown" answer is decided
 *    by comparing the inputs. A refresh step is an update only when that Diff finds changes.
 * 3. Check and Diff run one resource at a time, in registration order: the step generator runs inside the
 *    deployment executor's single event loop (deployment_executor.go handleSingleEvent -> step_generator.go
 *    GenerateSteps). Only Create/Update/Delete run in parallel, on `parallel` workers (step_executor.go); the
 *    CLI's default --parallel is 4 per CPU (pkg/cmd/pulumi/operations/up.go defaultParallel).
 * 4. Preview sends unknowns: inputs computed from resources not created yet arrive as the UNKNOWN sentinel
 *    (sdk/nodejs/runtime/rpc.ts unknownValue; capture the program with `preview: true`, see program.ts).
 *    Preview runs Check and Diff only: the plugin answers Configure with supportsPreview=false, so the engine
 *    never sends it Create/Update with preview=true (step.go CreateStep/UpdateStep.Apply), nor Delete.
 * 5. refresh and destroy configure the provider FROM STATE (providers/registry.go loads the old snapshot's
 *    providers; default_providers.go): the default `pulumi-nodejs` provider's inputs are the stack config as of
 *    the last `up`, secrets encrypted (provider-config.ts). `up` stores the current config. After a rotated
 *    secret, refresh/destroy keep sending the old one until an `up`.
 * 6. The plugin is the program's own @pulumi/pulumi (plugin.ts resolveDynamicProviderPlugin).
 * 7. One Configure per plugin process: the engine configures a provider instance once (registry.go Configure);
 *    the plugin then configures each distinct `__provider` text once, on its first use
 *    (sdk/nodejs/cmd/dynamic-provider getProvider). A fresh plugin serves each command (command-plugin.ts).
 * 8. What the plugin writes to stderr (and to stdout after its port) is printed: each non-blank line becomes an info
 *    diagnostic (plugin.go newPlugin `runtrace`); ProviderPlugin.diagnostics keeps them for tests to read.
 *
 * Also modelled (step_generator.go, step.go): Check(olds = old INPUTS, or {} for a new resource, news = program
 * inputs); Diff(id, olds = stored OUTPUTS, news = checked inputs, oldInputs); DIFF_UNKNOWN decided by comparing
 * inputs (`__provider` included, as PropertyMap.Diff does); DIFF_NONE -> same unless the resource carries init
 * errors; replaces -> replacement, Check re-run with no olds, create-before-delete unless deleteBeforeReplace;
 * Create/Update failing with ErrorResourceInitFailed still record the resource. There is no dependency graph:
 * resources are independent, as dynamic resources of one program usually are.
 */
import { availableParallelism } from "node:os";
import { isDeepStrictEqual } from "node:util";
import {
  PluginCallError,
  urnFor,
  type CheckFailure,
  type DiffResult,
  type InitFailedDetails,
  type ProviderPlugin,
} from "./plugin";
import type { PropertyMap } from "./properties";
import { loadProviderConfig, storeProviderConfig, type StoredDefaultProvider } from "./provider-config";
import { readStateFile, writeStateFile } from "./state-file";
import { StepExecutor } from "./step-executor";

export interface DesiredResource {
  type: string;
  name: string;
  /** Includes `__provider` for dynamic resources. */
  inputs: PropertyMap;
}

export interface StateResource {
  urn: string;
  type: string;
  name: string;
  id: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
  /** The provider reported it created/updated this resource but failed (ErrorResourceInitFailed reasons). */
  initErrors?: string[];
  /** Already deleted by a delete-before-replace whose create has not succeeded yet: the next up only creates. */
  pendingReplacement?: boolean;
  /** Replaced (create-before-delete) and still to be deleted: the next up or destroy deletes it. */
  pendingDelete?: boolean;
}

export type StepOp = "create" | "update" | "replace" | "delete" | "same";

export interface Step {
  urn: string;
  name: string;
  /** For a resource that failed Check: "create" if new, else "update" (no Diff was possible). */
  op: StepOp;
  replaces?: string[];
  deleteBeforeReplace?: boolean;
  checkFailures?: CheckFailure[];
  /** Why this step failed (check failures, or the provider's error message). */
  error?: string;
}

export interface ResourceError {
  urn: string;
  name: string;
  op: StepOp | "refresh";
  message: string;
  checkFailures?: CheckFailure[];
  initFailed?: InitFailedDetails;
}

export interface UpResult {
  /** Steps that were generated (and, for up/destroy, started), in order; deletes last. */
  steps: Step[];
  errors: ResourceError[];
  /** The run stopped before the end (a failure without continueOnError, or an invalid resource). */
  stopped: boolean;
  /** Names of resources the run never got to: not checked, not started, or deletes that did not run. */
  skipped: string[];
}

export interface RefreshStep {
  urn: string;
  name: string;
  /** "update": the provider's Diff of refreshed state against stored inputs finds changes; "delete": Read says gone. */
  op: "same" | "update" | "delete";
}

export interface RefreshResult {
  steps: RefreshStep[];
  errors: ResourceError[];
  stopped: boolean;
  skipped: string[];
}

export interface RunOptions {
  /** The CLI's --continue-on-error: failed steps do not cancel the run. Default: the engine's option. */
  continueOnError?: boolean;
}

export interface PluginEngineOptions {
  project: string;
  stack: string;
  /** Create/Update/Delete at once (the CLI's --parallel). Default 4 per CPU, as the CLI. */
  parallel?: number;
  /** JSON file holding the state: read when the engine is created, rewritten after every step. */
  statePath?: string;
  /** Current stack config (namespaced keys). `up` and `preview` configure with it; see rule 5. Default {}. */
  config?: Record<string, string>;
  /** Config keys set with `--secret`: stored encrypted in state. */
  secretConfigKeys?: readonly string[];
  /** The stack's secrets passphrase (PULUMI_CONFIG_PASSPHRASE). Default "". */
  secretsPassphrase?: string;
  /** Default for every run's `continueOnError`. Default false, as the CLI. */
  continueOnError?: boolean;
}

interface Plan {
  urn: string;
  desired: DesiredResource;
  old: StateResource | undefined;
  op: StepOp;
  inputs: PropertyMap;
  diff?: DiffResult;
  checkFailures?: CheckFailure[];
}

/** Which config a command configures the provider with (rule 5). */
type ConfigSource = "current" | "state";

function describeCheckFailures(urn: string, failures: CheckFailure[]): string {
  // Values are left out on purpose: they may be secrets.
  return `${urn} is invalid: ` + failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join("; ");
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class PluginEngine {
  private resources: StateResource[];
  private defaultProvider: StoredDefaultProvider | undefined;
  private config: Record<string, string>;
  private readonly parallel: number;
  private busy = false;
  /** The default provider's inputs were brought up to date by this run's first resource step. */
  private providerRecorded = false;
  /** Old resources of create-before-delete replacements made by the current operation. */
  private replacedDuringRun = new Set<StateResource>();

  constructor(
    private readonly plugin: ProviderPlugin,
    private readonly opts: PluginEngineOptions,
  ) {
    this.parallel = opts.parallel ?? 4 * availableParallelism();
    this.config = { ...(opts.config ?? {}) };
    const checkpoint = opts.statePath
      ? readStateFile<StateResource, StoredDefaultProvider>(opts.statePath)
      : { resources: [] };
    this.resources = checkpoint.resources;
    this.defaultProvider = checkpoint.defaultProvider;
  }

  /** A copy of the current state: live resources, plus replaced ones still pending deletion. */
  state(): StateResource[] {
    return structuredClone(this.resources);
  }

  /** The default provider's record in state (secrets encrypted), or undefined before the first `up`. */
  defaultProviderState(): StoredDefaultProvider | undefined {
    return this.defaultProvider && structuredClone(this.defaultProvider);
  }

  /** `pulumi config set`: changes the current stack config; state keeps what the last `up` used. */
  setConfig(config: Record<string, string>): void {
    this.config = { ...config };
  }

  urnOf(resource: { type: string; name: string }): string {
    return urnFor(this.opts.stack, this.opts.project, resource.type, resource.name);
  }

  /**
   * What `pulumi preview` would do: Check and Diff only, one resource at a time, nothing is changed. Like the
   * CLI, it ends at the first invalid resource (or Check/Diff error): that step carries the error and no later
   * resource is listed.
   */
  preview(desired: DesiredResource[]): Promise<Step[]> {
    return this.exclusive(
      "current",
      async () => {
        const steps: Step[] = [];
        for (const resource of desired) {
          const urn = this.urnOf(resource);
          let step: Step;
          try {
            step = this.stepOf(await this.plan(urn, resource));
          } catch (error) {
            step = this.unplannedStep(urn, resource.name, error);
          }
          steps.push(step);
          if (step.error) return steps;
        }
        return [...steps, ...this.condemned(desired).map((r) => ({ urn: r.urn, name: r.name, op: "delete" as const }))];
      },
      desired,
    );
  }

  /** What `pulumi up` does; failures are reported in `errors` (and `stopped`), never thrown. */
  up(desired: DesiredResource[], run: RunOptions = {}): Promise<UpResult> {
    return this.exclusive(
      "current",
      async () => {
        const continueOnError = run.continueOnError ?? this.opts.continueOnError ?? false;
        const executor = new StepExecutor(this.parallel, continueOnError);
        const steps: Step[] = [];
        const errors: ResourceError[] = [];
        const skipped: string[] = [];
        let bailed = false;

        for (const [index, resource] of desired.entries()) {
          const urn = this.urnOf(resource);
          if (bailed || executor.cancelled) {
            skipped.push(...desired.slice(index).map((r) => r.name));
            break;
          }
          let plan: Plan;
          try {
            plan = await this.plan(urn, resource);
          } catch (error) {
            const step = this.unplannedStep(urn, resource.name, error);
            steps.push(step);
            errors.push(this.resourceError(urn, resource.name, step.op, error));
            bailed = true;
            continue;
          }
          const step = this.stepOf(plan);
          if (plan.checkFailures) {
            steps.push(step);
            errors.push({
              urn,
              name: resource.name,
              op: plan.op,
              message: step.error!,
              checkFailures: plan.checkFailures,
            });
            bailed = true;
            continue;
          }
          const started = await executor.execute(
            () => this.apply(plan),
            (error) => {
              step.error = errorMessage(error);
              errors.push(this.resourceError(urn, resource.name, plan.op, error));
            },
          );
          if (started) steps.push(step);
          else skipped.push(resource.name);
        }
        await executor.drain();

        const condemned = this.condemned(desired);
        if (bailed || executor.cancelled) {
          skipped.push(...condemned.filter((r) => !this.replacedDuringRun.has(r)).map((r) => r.name));
          return { steps, errors, stopped: true, skipped };
        }
        const deletions = await this.deleteAll(condemned, errors, executor, skipped);
        return { steps: [...steps, ...deletions], errors, stopped: executor.cancelled, skipped };
      },
      desired,
    );
  }

  /** What `pulumi refresh` does: Read every resource, then Diff what Read returned against the stored inputs. */
  refresh(run: RunOptions = {}): Promise<RefreshResult> {
    return this.exclusive("state", async () => {
      const executor = new StepExecutor(this.parallel, run.continueOnError ?? this.opts.continueOnError ?? false);
      const steps: RefreshStep[] = [];
      const errors: ResourceError[] = [];
      const skipped: string[] = [];
      for (const resource of this.resources.filter((r) => !r.pendingReplacement)) {
        const step: RefreshStep = { urn: resource.urn, name: resource.name, op: "same" };
        const started = await executor.execute(
          async () => {
            step.op = await this.refreshOne(resource);
          },
          (error) => errors.push(this.resourceError(resource.urn, resource.name, "refresh", error)),
        );
        if (started) steps.push(step);
        else skipped.push(resource.name);
      }
      await executor.drain();
      return { steps, errors, stopped: executor.cancelled, skipped };
    });
  }

  /** What `pulumi destroy` does: delete everything in state, with the provider configured from state. */
  destroy(run: RunOptions = {}): Promise<UpResult> {
    return this.exclusive("state", async () => {
      const executor = new StepExecutor(this.parallel, run.continueOnError ?? this.opts.continueOnError ?? false);
      const errors: ResourceError[] = [];
      const skipped: string[] = [];
      const steps = await this.deleteAll([...this.resources], errors, executor, skipped);
      return { steps, errors, stopped: executor.cancelled, skipped };
    });
  }

  private async exclusive<T>(
    configSource: ConfigSource,
    operation: () => Promise<T>,
    desired?: DesiredResource[],
  ): Promise<T> {
    if (this.busy) throw new Error("PluginEngine runs one operation at a time");
    if (desired) this.assertUniqueUrns(desired);
    this.busy = true;
    this.replacedDuringRun = new Set();
    this.providerRecorded = false;
    try {
      await this.configurePlugin(configSource);
      return await operation();
    } finally {
      this.busy = false;
    }
  }

  /**
   * Rule 5 and 7: one Configure per plugin process, with the config of the last `up` for refresh/destroy (or the
   * current config if no `up` ever ran), else the current config; an `up` records what it used.
   */
  private async configurePlugin(source: ConfigSource): Promise<void> {
    const passphrase = this.opts.secretsPassphrase ?? "";
    const variables =
      source === "state" && this.defaultProvider ? loadProviderConfig(this.defaultProvider, passphrase) : this.config;
    const configuredWith = this.plugin.configuredWith;
    if (configuredWith === undefined) await this.plugin.configure(variables);
    else if (!isDeepStrictEqual(configuredWith, variables)) {
      throw new Error(
        "the plugin process was configured for another command with other settings: start a fresh plugin per " +
          "command, as the CLI does",
      );
    }
  }

  /** What an `up` writes for the default provider: its inputs become the current config (rule 5). */
  private recordDefaultProvider(): void {
    if (this.providerRecorded) return;
    this.providerRecorded = true;
    const passphrase = this.opts.secretsPassphrase ?? "";
    if (this.defaultProvider && isDeepStrictEqual(loadProviderConfig(this.defaultProvider, passphrase), this.config))
      return;
    this.defaultProvider = storeProviderConfig(this.config, new Set(this.opts.secretConfigKeys ?? []), passphrase);
    this.persist();
  }

  private assertUniqueUrns(desired: DesiredResource[]): void {
    const seen = new Set<string>();
    for (const resource of desired) {
      const urn = this.urnOf(resource);
      if (seen.has(urn)) throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
      seen.add(urn);
    }
  }

  private live(urn: string): StateResource | undefined {
    return this.resources.find((r) => r.urn === urn && !r.pendingDelete);
  }

  /** Resources to delete after creates/updates: the ones no longer desired, and earlier replacements. */
  private condemned(desired: DesiredResource[]): StateResource[] {
    const wanted = new Set(desired.map((d) => this.urnOf(d)));
    return this.resources.filter((r) => r.pendingDelete || !wanted.has(r.urn));
  }

  private async plan(urn: string, desired: DesiredResource): Promise<Plan> {
    const old = this.live(urn);
    const checked = await this.plugin.check(urn, old ? old.inputs : {}, desired.inputs);
    if (checked.failures.length > 0) {
      return {
        urn,
        desired,
        old,
        op: old ? "update" : "create",
        inputs: checked.inputs,
        checkFailures: checked.failures,
      };
    }
    if (!old) return { urn, desired, old, op: "create", inputs: checked.inputs };
    if (old.pendingReplacement) {
      return this.planReplacement({
        urn,
        desired,
        old,
        op: "replace",
        inputs: checked.inputs,
        diff: { changes: "some", replaces: [], deleteBeforeReplace: true },
      });
    }
    const diff = await this.plugin.diff(urn, old.id, old.outputs, checked.inputs, old.inputs);
    const changes =
      diff.changes === "unknown" ? (isDeepStrictEqual(old.inputs, checked.inputs) ? "none" : "some") : diff.changes;
    if (changes === "some" && diff.replaces.length > 0) {
      return this.planReplacement({ urn, desired, old, op: "replace", inputs: checked.inputs, diff });
    }
    const continuesInit = (old.initErrors?.length ?? 0) > 0;
    const op = changes === "some" || continuesInit ? "update" : "same";
    return { urn, desired, old, op, inputs: checked.inputs, diff };
  }

  /** The engine computes a replacement's inputs afresh: Check with no olds. */
  private async planReplacement(plan: Plan): Promise<Plan> {
    const rechecked = await this.plugin.check(plan.urn, {}, plan.desired.inputs);
    if (rechecked.failures.length > 0) return { ...plan, inputs: rechecked.inputs, checkFailures: rechecked.failures };
    return { ...plan, inputs: rechecked.inputs };
  }

  /** The step of a resource whose Check or Diff threw: what it would have been without a diff. */
  private unplannedStep(urn: string, name: string, error: unknown): Step {
    return { urn, name, op: this.live(urn) ? "update" : "create", error: errorMessage(error) };
  }

  private stepOf(plan: Plan): Step {
    const step: Step = { urn: plan.urn, name: plan.desired.name, op: plan.op };
    if (plan.op === "replace" && plan.diff) {
      step.replaces = plan.diff.replaces;
      step.deleteBeforeReplace = plan.diff.deleteBeforeReplace;
    }
    if (plan.checkFailures) {
      step.checkFailures = plan.checkFailures;
      step.error = describeCheckFailures(plan.urn, plan.checkFailures);
    }
    return step;
  }

  private async apply(plan: Plan): Promise<void> {
    const { urn, old } = plan;
    // The default provider is registered (and its inputs written) before the first resource step that uses it.
    this.recordDefaultProvider();
    switch (plan.op) {
      case "same":
        old!.inputs = plan.inputs;
        return this.persist();
      case "create":
        return this.createInto(plan);
      case "update":
        return this.update(old!, plan.inputs);
      case "replace":
        if (plan.diff!.deleteBeforeReplace && !old!.pendingReplacement) {
          await this.plugin.delete(urn, old!.id, old!.outputs, old!.inputs);
          old!.pendingReplacement = true;
          this.persist();
        }
        return this.createInto(plan);
      case "delete":
        throw new Error("delete is not planned per desired resource");
    }
  }

  /** Creates the resource (or its replacement) and records it, even when the provider reports an init failure. */
  private async createInto(plan: Plan): Promise<void> {
    const { urn, old, desired } = plan;
    const record = (id: string, outputs: PropertyMap, initErrors?: string[]) => {
      const created: StateResource = { urn, type: desired.type, name: desired.name, id, inputs: plan.inputs, outputs };
      if (initErrors) created.initErrors = initErrors;
      if (old?.pendingReplacement) this.resources = this.resources.filter((r) => r !== old);
      else if (old) {
        old.pendingDelete = true;
        this.replacedDuringRun.add(old);
      }
      this.resources.push(created);
      this.persist();
    };
    try {
      const created = await this.plugin.create(urn, plan.inputs);
      if (!created.id) throw new Error("provider did not return an ID from Create");
      record(created.id, created.properties);
    } catch (error) {
      if (error instanceof PluginCallError && error.initFailed) {
        record(error.initFailed.id, error.initFailed.properties, error.initFailed.reasons);
      }
      throw error;
    }
  }

  private async update(old: StateResource, inputs: PropertyMap): Promise<void> {
    try {
      const updated = await this.plugin.update(old.urn, old.id, old.outputs, inputs, { oldInputs: old.inputs });
      old.inputs = inputs;
      old.outputs = updated.properties;
      delete old.initErrors;
      this.persist();
    } catch (error) {
      if (error instanceof PluginCallError && error.initFailed) {
        old.inputs = inputs;
        old.outputs = error.initFailed.properties;
        old.initErrors = error.initFailed.reasons;
        this.persist();
      }
      throw error;
    }
  }

  /** Deletes on the executor's workers; after a failure without continueOnError, the rest are skipped. */
  private async deleteAll(
    targets: StateResource[],
    errors: ResourceError[],
    executor: StepExecutor,
    skipped: string[],
  ): Promise<Step[]> {
    const steps: Step[] = [];
    for (const resource of targets) {
      // The deletion of an old resource replaced in this run belongs to its "replace" step.
      const step: Step = { urn: resource.urn, name: resource.name, op: "delete" };
      const started = await executor.execute(
        async () => {
          // A pending replacement was already deleted by its delete-before-replace: only the state entry goes.
          if (!resource.pendingReplacement)
            await this.plugin.delete(resource.urn, resource.id, resource.outputs, resource.inputs);
          this.resources = this.resources.filter((r) => r !== resource);
          this.persist();
        },
        (error) => {
          step.error = errorMessage(error);
          errors.push(this.resourceError(resource.urn, resource.name, "delete", error));
        },
      );
      if (!started) skipped.push(resource.name);
      else if (!this.replacedDuringRun.has(resource)) steps.push(step);
    }
    await executor.drain();
    return steps;
  }

  /** Rule 2: Read, then Diff(olds = refreshed outputs, news = stored inputs, oldInputs = refreshed inputs). */
  private async refreshOne(resource: StateResource): Promise<RefreshStep["op"]> {
    const read = await this.plugin.read(resource.urn, resource.id, resource.outputs, resource.inputs);
    if (read.id === "") {
      this.resources = this.resources.filter((r) => r !== resource);
      this.persist();
      return "delete";
    }
    const refreshedInputs = read.inputs ?? resource.inputs;
    const diff = await this.plugin.diff(resource.urn, read.id, read.properties, resource.inputs, refreshedInputs);
    const changes =
      diff.changes === "unknown"
        ? isDeepStrictEqual(refreshedInputs, resource.inputs)
          ? "none"
          : "some"
        : diff.changes;
    resource.id = read.id;
    resource.outputs = read.properties;
    resource.inputs = refreshedInputs;
    delete resource.initErrors;
    this.persist();
    return changes === "some" ? "update" : "same";
  }

  private resourceError(urn: string, name: string, op: ResourceError["op"], error: unknown): ResourceError {
    const failure: ResourceError = { urn, name, op, message: errorMessage(error) };
    if (error instanceof PluginCallError && error.initFailed) failure.initFailed = error.initFailed;
    return failure;
  }

  private persist(): void {
    if (this.opts.statePath) {
      writeStateFile(this.opts.statePath, {
        resources: this.resources,
        ...(this.defaultProvider ? { defaultProvider: this.defaultProvider } : {}),
      });
    }
  }
}
