/**
 * The diff engine for one flat-file account: desired state + current state -> the ordered API calls
 * that converge it. Pure functions, no I/O: `diff` (what preview shows) and `update` (what runs)
 * both call `planAccountChanges`, so they cannot disagree about what a change costs.
 */
import type {
  AccountAttributes,
  AccountToggleRequest,
  AccountUnlockRequest,
  AttributeValue,
  JsonPatchOperation,
} from "../client/types";
import type { RouteName } from "../client/routes";
import type { AccountDeclaration } from "../resources/account/fields";
import { changedAttributeNames, managedAttributeValues, type DesiredAttributeValue } from "./normalize";

/**
 * What the user declared, after check-time validation and defaults: the Account's declaration type,
 * derived from its one field declaration (a type only; the engine stays free of I/O).
 */
export type DesiredAccount = AccountDeclaration;

/** What the tenant has (or, for `diff`, what the last apply/refresh recorded). */
export interface CurrentAccount {
  id: string;
  /** All attributes known (a fresh read has every attribute; stored outputs only the managed ones). */
  attributes: Record<string, AttributeValue>;
  identityId: string | null;
  manuallyCorrelated: boolean;
  disabled: boolean;
  locked: boolean;
}

/** What to wait for after the call: the task it answers with, or the account showing the change. */
export type OperationWait =
  { kind: "task" } | { kind: "account"; expect: { identityId: string | null; manuallyCorrelated?: boolean } };

/**
 * One API call of a plan, complete enough to execute without knowing what it is for: the route,
 * its path parameters, body and content type, and how to wait for it to take effect.
 */
interface OperationBase {
  route: RouteName;
  params: { id: string };
  body?: unknown;
  contentType?: string;
  wait: OperationWait;
  /** One line for humans, e.g. "update attributes email, groups". */
  description: string;
}

/** PUT with the full attribute set; answers with a task to wait for. */
export interface PutAttributesOperation extends OperationBase {
  kind: "put-attributes";
  route: "putAccount";
  body: AccountAttributes;
  changed: string[];
  wait: { kind: "task" };
}

/** JSON Patch on correlation; answers 202 WITHOUT a task id, so the caller polls the account. */
export interface PatchCorrelationOperation extends OperationBase {
  kind: "patch-correlation";
  route: "patchAccount";
  body: JsonPatchOperation[];
  contentType: "application/json-patch+json";
  wait: { kind: "account"; expect: { identityId: string | null; manuallyCorrelated?: boolean } };
}

export interface ToggleOperation extends OperationBase {
  kind: "enable" | "disable";
  route: "enableAccount" | "disableAccount";
  body: AccountToggleRequest;
  wait: { kind: "task" };
}

export interface UnlockOperation extends OperationBase {
  kind: "unlock";
  route: "unlockAccount";
  body: AccountUnlockRequest;
  wait: { kind: "task" };
}

/** Reload from the source (asked for through `reloadTrigger`, not derived from a difference). */
export interface ReloadOperation extends OperationBase {
  kind: "reload";
  route: "reloadAccount";
  wait: { kind: "task" };
}

export type AccountOperation =
  PutAttributesOperation | PatchCorrelationOperation | ToggleOperation | UnlockOperation | ReloadOperation;

/** A value in a difference: an attribute value (as desired, or as read, shaped alike) or a flag. */
export type DifferenceValue = DesiredAttributeValue | boolean;

/** One field where the account differs from its declaration. */
export interface Difference {
  /** `attributes.<name>`, `identityId`, `manuallyCorrelated`, `enabled` or `locked`. */
  field: string;
  expected: DifferenceValue;
  actual: DifferenceValue;
}

/** The PUT body: the current attributes with the managed keys set (or removed when null). */
export function mergedAttributes(
  current: Readonly<Record<string, AttributeValue>>,
  desired: Readonly<Record<string, DesiredAttributeValue>>,
): Record<string, AttributeValue> {
  const merged: Record<string, AttributeValue> = { ...current };
  for (const [name, value] of Object.entries(desired)) {
    if (value === null) delete merged[name];
    else merged[name] = Array.isArray(value) ? [...value] : value;
  }
  return merged;
}

function toggleBody(desired: DesiredAccount): AccountToggleRequest {
  const body: AccountToggleRequest = {};
  if (desired.forceProvisioning !== undefined) body.forceProvisioning = desired.forceProvisioning;
  if (desired.externalVerificationId !== undefined) body.externalVerificationId = desired.externalVerificationId;
  return body;
}

function planCorrelation(desired: DesiredAccount, current: CurrentAccount): PatchCorrelationOperation | undefined {
  const ops: JsonPatchOperation[] = [];
  const identityChanges = desired.identityId !== undefined && desired.identityId !== current.identityId;
  // ISC sets manuallyCorrelated=true when identityId is reassigned "unless told otherwise".
  let expectedManual = identityChanges && desired.identityId !== null ? true : current.manuallyCorrelated;
  if (identityChanges) {
    ops.push(
      desired.identityId === null
        ? { op: "remove", path: "/identityId" }
        : { op: "replace", path: "/identityId", value: desired.identityId },
    );
  }
  // Uncorrelating, ISC may change manuallyCorrelated itself (not documented): a declared value is always sent.
  const uncorrelating = identityChanges && desired.identityId === null;
  if (desired.manuallyCorrelated !== undefined && (desired.manuallyCorrelated !== expectedManual || uncorrelating)) {
    ops.push({ op: "replace", path: "/manuallyCorrelated", value: desired.manuallyCorrelated });
    expectedManual = desired.manuallyCorrelated;
  }
  if (ops.length === 0) return undefined;
  const what = identityChanges
    ? desired.identityId === null
      ? "uncorrelate"
      : `correlate to identity ${desired.identityId}`
    : `set manuallyCorrelated ${String(expectedManual)}`;
  const expect: PatchCorrelationOperation["wait"]["expect"] = {
    identityId: desired.identityId !== undefined ? desired.identityId : current.identityId,
  };
  // What ISC does to manuallyCorrelated when identityId is removed is not documented (the simulator clears it):
  // an uncorrelation that does not declare manuallyCorrelated waits for identityId only.
  const manualKnown = desired.manuallyCorrelated !== undefined || (identityChanges && !uncorrelating);
  if (manualKnown) expect.manuallyCorrelated = expectedManual;
  return {
    kind: "patch-correlation",
    route: "patchAccount",
    params: { id: current.id },
    body: ops,
    contentType: "application/json-patch+json",
    description: what,
    wait: { kind: "account", expect },
  };
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * THE comparison of an account with its declaration, in a fixed order: attributes (by name), then
 * identityId, manuallyCorrelated, enabled, locked. The plan (diff, update) and drift both use it,
 * so `pulumi preview` and `isc-accounts drift` cannot disagree on what differs.
 */
export function accountDifferences(desired: DesiredAccount, current: CurrentAccount): Difference[] {
  const differences: Difference[] = [];
  for (const name of changedAttributeNames(desired.attributes, current.attributes).sort(byCodeUnits)) {
    differences.push({
      field: `attributes.${name}`,
      expected: desired.attributes[name],
      actual: managedAttributeValues([name], current.attributes)[name],
    });
  }
  if (desired.identityId !== undefined && desired.identityId !== current.identityId) {
    differences.push({ field: "identityId", expected: desired.identityId, actual: current.identityId });
  }
  if (desired.manuallyCorrelated !== undefined && desired.manuallyCorrelated !== current.manuallyCorrelated) {
    differences.push({
      field: "manuallyCorrelated",
      expected: desired.manuallyCorrelated,
      actual: current.manuallyCorrelated,
    });
  }
  if (desired.enabled === current.disabled)
    differences.push({ field: "enabled", expected: desired.enabled, actual: !current.disabled });
  if (desired.unlock === true && current.locked) differences.push({ field: "locked", expected: false, actual: true });
  return differences;
}

/**
 * The ordered calls that take `current` to `desired`: attributes, then correlation, then the
 * enabled state, then unlock, one per kind of difference. An empty list means nothing to do.
 */
export function planAccountChanges(desired: DesiredAccount, current: CurrentAccount): AccountOperation[] {
  const differences = accountDifferences(desired, current);
  const differs = (field: string) => differences.some((d) => d.field === field);
  const plan: AccountOperation[] = [];
  const params = { id: current.id };

  const changed = differences
    .filter((d) => d.field.startsWith("attributes."))
    .map((d) => d.field.slice("attributes.".length));
  if (changed.length > 0) {
    plan.push({
      kind: "put-attributes",
      route: "putAccount",
      params,
      body: { attributes: mergedAttributes(current.attributes, desired.attributes) },
      changed,
      description: `update attributes ${changed.join(", ")}`,
      wait: { kind: "task" },
    });
  }

  if (differs("identityId") || differs("manuallyCorrelated")) {
    const correlation = planCorrelation(desired, current);
    if (correlation) plan.push(correlation);
  }

  if (differs("enabled")) {
    plan.push(
      desired.enabled
        ? {
            kind: "enable",
            route: "enableAccount",
            params,
            body: toggleBody(desired),
            description: "enable",
            wait: { kind: "task" },
          }
        : {
            kind: "disable",
            route: "disableAccount",
            params,
            body: toggleBody(desired),
            description: "disable",
            wait: { kind: "task" },
          },
    );
  }

  if (differs("locked")) {
    plan.push({
      kind: "unlock",
      route: "unlockAccount",
      params,
      body: toggleBody(desired),
      description: "unlock",
      wait: { kind: "task" },
    });
  }
  return plan;
}

/** The reload `reloadTrigger` asks for: POST .../reload, then wait for its task. */
export function reloadOperation(id: string): ReloadOperation {
  return {
    kind: "reload",
    route: "reloadAccount",
    params: { id },
    description: "reload from source",
    wait: { kind: "task" },
  };
}

/** Fields whose change replaces the account, and whether the old one must go first. */
export function replacementFor(
  old: { sourceId: string; nativeIdentity: string },
  desired: { sourceId: string; nativeIdentity: string },
): { replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces: string[] = [];
  if (old.sourceId !== desired.sourceId) replaces.push("sourceId");
  if (old.nativeIdentity !== desired.nativeIdentity) replaces.push("nativeIdentity");
  // A new nativeIdentity on the same source is a rename on the file: the old account must be gone
  // before the new one is written, or both exist for the same person (and may share unique values).
  const deleteBeforeReplace = replaces.includes("nativeIdentity") && !replaces.includes("sourceId");
  return { replaces, deleteBeforeReplace };
}
