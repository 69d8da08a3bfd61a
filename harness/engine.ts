/**
 * A small deployment engine that drives one dynamic-provider plugin the way `pulumi preview/up/refresh/destroy`
 * do, following pulumi/pulumi pkg/resource/deploy/step_generator.go and step.go and
 * sdk/go/common/resource/plugin/provider_plugin.go:
 *
 * - Check(olds = old INPUTS from state, or {} for a new resource, news = program inputs) gives the inputs used
 *   from then on; check failures make the resource invalid and nothing else happens to it.
 * - Existing resource: Diff(id, olds = stored OUTPUTS, news = checked inputs, oldInputs). DIFF_UNKNOWN is decided
 *   by comparing old and new inputs (all of them, `__provider` included, as the engine's PropertyMap.Diff does).
 *   DIFF_NONE -> same (new inputs saved, id and outputs kept), unless the resource carries init errors, which
 *   gives an update; DIFF_SOME -> update, or replace if `replaces` is non-empty (replaces with DIFF_NONE are
 *   ignored). A replacement re-runs Check with no olds and creates with those inputs: create-before-delete by
 *   default (the old one is deleted after all creates/updates), delete-before-replace when the diff says so.
 * - Create/Update failing with ErrorResourceInitFailed still record the resource (id, outputs, init errors).
 * - Preview runs Check and Diff only: the dynamic provider answers Configure with supportsPreview=false, so the
 *   engine never sends it Create/Update with preview=true (nor Delete).
 * - Resources run in parallel (up to `parallel`); one resource's failure does not stop the others (like
 *   `--continue-on-error`); deletes run after all creates/updates. There is no dependency graph: the harness
 *   treats resources as independent, as dynamic resources of one program usually are.
 */
import { isDeepStrictEqual } from "node:util";
import { forEachLimited } from "./limit";
import { PluginCallError, urnFor, type CheckFailure, type DiffResult, type InitFailedDetails, type ProviderPlugin } from "./plugin";
import { equalIgnoringProvider, type PropertyMap } from "./properties";
import { readStateFile, writeStateFile } from "./state-file";

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
  steps: Step[];
  errors: ResourceError[];
}

export interface RefreshStep {
  urn: string;
  name: string;
  /** "update": outputs changed (ignoring __provider); "delete": the provider says it is gone (id ""). */
  op: "same" | "update" | "delete";
}

export interface RefreshResult {
  steps: RefreshStep[];
  errors: ResourceError[];
}

export interface PluginEngineOptions {
  project: string;
  stack: string;
  /** Resource operations at once. Default 16. */
  parallel?: number;
  /** JSON file holding the state: read when the engine is created, rewritten after every step. */
  statePath?: string;
  /** Stack config sent with Configure if the plugin is not configured yet. Default {}. */
  config?: Record<string, string>;
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

const DEFAULT_PARALLEL = 16;

function describeCheckFailures(urn: string, failures: CheckFailure[]): string {
  // Values are left out on purpose: they may be secrets.
  return `${urn} is invalid: ` + failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join("; ");
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class PluginEngine {
  private resources: StateResource[];
  private readonly parallel: number;
  private busy = false;
  /** Old resources of create-before-delete replacements made by the current operation. */
  private replacedDuringRun = new Set<StateResource>();

  constructor(
    private readonly plugin: ProviderPlugin,
    private readonly opts: PluginEngineOptions,
  ) {
    this.parallel = opts.parallel ?? DEFAULT_PARALLEL;
    this.resources = opts.statePath ? readStateFile<StateResource>(opts.statePath) : [];
  }

  /** A copy of the current state: live resources, plus replaced ones still pending deletion. */
  state(): StateResource[] {
    return structuredClone(this.resources);
  }

  urnOf(resource: { type: string; name: string }): string {
    return urnFor(this.opts.stack, this.opts.project, resource.type, resource.name);
  }

  /** What `pulumi preview` would do: Check and Diff only, nothing is changed. */
  preview(desired: DesiredResource[]): Promise<Step[]> {
    return this.exclusive(async () => {
      const steps: Step[] = new Array(desired.length);
      await forEachLimited(desired, this.parallel, async (resource, index) => {
        const urn = this.urnOf(resource);
        try {
          steps[index] = this.stepOf(await this.plan(urn, resource));
        } catch (error) {
          steps[index] = this.unplannedStep(urn, resource.name, error);
        }
      });
      return [...steps, ...this.condemned(desired).map((r) => ({ urn: r.urn, name: r.name, op: "delete" as const }))];
    }, desired);
  }

  /** What `pulumi up` does; per-resource failures are reported in `errors`, never thrown. */
  up(desired: DesiredResource[]): Promise<UpResult> {
    return this.exclusive(async () => {
      const steps: Step[] = new Array(desired.length);
      const errors: ResourceError[] = [];
      await forEachLimited(desired, this.parallel, async (resource, index) => {
        const urn = this.urnOf(resource);
        let plan: Plan;
        try {
          plan = await this.plan(urn, resource);
        } catch (error) {
          steps[index] = this.unplannedStep(urn, resource.name, error);
          errors.push(this.resourceError(urn, resource.name, steps[index].op, error));
          return;
        }
        steps[index] = this.stepOf(plan);
        if (plan.checkFailures) {
          errors.push({ urn, name: resource.name, op: plan.op, message: steps[index].error!, checkFailures: plan.checkFailures });
          return;
        }
        try {
          await this.apply(plan);
        } catch (error) {
          steps[index].error = errorMessage(error);
          errors.push(this.resourceError(urn, resource.name, plan.op, error));
        }
      });
      const deletions = await this.deleteAll(this.condemned(desired), errors);
      return { steps: [...steps, ...deletions], errors };
    }, desired);
  }

  /** What `pulumi refresh` does: Read every resource and store what the provider returns. */
  refresh(): Promise<RefreshResult> {
    return this.exclusive(async () => {
      const targets = this.resources.filter((r) => !r.pendingReplacement);
      const steps: RefreshStep[] = new Array(targets.length);
      const errors: ResourceError[] = [];
      await forEachLimited(targets, this.parallel, async (resource, index) => {
        try {
          steps[index] = { urn: resource.urn, name: resource.name, op: await this.refreshOne(resource) };
        } catch (error) {
          steps[index] = { urn: resource.urn, name: resource.name, op: "same" };
          errors.push(this.resourceError(resource.urn, resource.name, "refresh", error));
        }
      });
      return { steps, errors };
    });
  }

  /** What `pulumi destroy` does: delete everything in state. */
  destroy(): Promise<UpResult> {
    return this.exclusive(async () => {
      const errors: ResourceError[] = [];
      const steps = await this.deleteAll([...this.resources], errors);
      return { steps, errors };
    });
  }

  private async exclusive<T>(operation: () => Promise<T>, desired?: DesiredResource[]): Promise<T> {
    if (this.busy) throw new Error("PluginEngine runs one operation at a time");
    if (desired) this.assertUniqueUrns(desired);
    this.busy = true;
    this.replacedDuringRun = new Set();
    try {
      if (!this.plugin.configured) await this.plugin.configure(this.opts.config ?? {});
      return await operation();
    } finally {
      this.busy = false;
    }
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
      return { urn, desired, old, op: old ? "update" : "create", inputs: checked.inputs, checkFailures: checked.failures };
    }
    if (!old) return { urn, desired, old, op: "create", inputs: checked.inputs };
    if (old.pendingReplacement) {
      return this.planReplacement({ urn, desired, old, op: "replace", inputs: checked.inputs, diff: { changes: "some", replaces: [], deleteBeforeReplace: true } });
    }
    const diff = await this.plugin.diff(urn, old.id, old.outputs, checked.inputs, old.inputs);
    const changes = diff.changes === "unknown" ? (isDeepStrictEqual(old.inputs, checked.inputs) ? "none" : "some") : diff.changes;
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

  private async deleteAll(targets: StateResource[], errors: ResourceError[]): Promise<Step[]> {
    const steps: Step[] = [];
    await forEachLimited(targets, this.parallel, async (resource) => {
      // The deletion of an old resource replaced in this run belongs to its "replace" step.
      const step: Step = { urn: resource.urn, name: resource.name, op: "delete" };
      if (!this.replacedDuringRun.has(resource)) steps.push(step);
      try {
        // A pending replacement was already deleted by its delete-before-replace: only the state entry goes.
        if (!resource.pendingReplacement) {
          await this.plugin.delete(resource.urn, resource.id, resource.outputs, resource.inputs);
        }
        this.resources = this.resources.filter((r) => r !== resource);
        this.persist();
      } catch (error) {
        step.error = errorMessage(error);
        errors.push(this.resourceError(resource.urn, resource.name, "delete", error));
      }
    });
    return steps;
  }

  private async refreshOne(resource: StateResource): Promise<RefreshStep["op"]> {
    const read = await this.plugin.read(resource.urn, resource.id, resource.outputs, resource.inputs);
    if (read.id === "") {
      this.resources = this.resources.filter((r) => r !== resource);
      this.persist();
      return "delete";
    }
    const changed = !equalIgnoringProvider(resource.outputs, read.properties);
    resource.id = read.id;
    resource.outputs = read.properties;
    if (read.inputs) resource.inputs = read.inputs;
    delete resource.initErrors;
    this.persist();
    return changed ? "update" : "same";
  }

  private resourceError(urn: string, name: string, op: ResourceError["op"], error: unknown): ResourceError {
    const failure: ResourceError = { urn, name, op, message: errorMessage(error) };
    if (error instanceof PluginCallError && error.initFailed) failure.initFailed = error.initFailed;
    return failure;
  }

  private persist(): void {
    if (this.opts.statePath) writeStateFile(this.opts.statePath, this.resources);
  }
}
