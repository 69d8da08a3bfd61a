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
import { changedAttributeNames, type DesiredAttributeValue } from "./normalize";

/** What the user declared, after check-time validation and defaults. */
export interface DesiredAccount {
  sourceId: string;
  nativeIdentity: string;
  /** Managed attributes only; null means "must be absent". */
  attributes: Record<string, DesiredAttributeValue>;
  /** undefined: correlation not managed; null: must be uncorrelated. */
  identityId?: string | null;
  manuallyCorrelated?: boolean;
  enabled: boolean;
  unlock: boolean;
  forceProvisioning?: boolean;
  externalVerificationId?: string;
}

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

interface OperationBase {
  route: RouteName;
  params: { id: string };
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

export type AccountOperation = PutAttributesOperation | PatchCorrelationOperation | ToggleOperation | UnlockOperation;

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
  if (desired.manuallyCorrelated !== undefined && desired.manuallyCorrelated !== expectedManual) {
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
  if (desired.manuallyCorrelated !== undefined || identityChanges) expect.manuallyCorrelated = expectedManual;
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

/**
 * The ordered calls that take `current` to `desired`: attributes, then correlation, then the
 * enabled state, then unlock. An empty list means nothing to do.
 */
export function planAccountChanges(desired: DesiredAccount, current: CurrentAccount): AccountOperation[] {
  const plan: AccountOperation[] = [];
  const params = { id: current.id };

  const changed = changedAttributeNames(desired.attributes, current.attributes);
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

  const correlation = planCorrelation(desired, current);
  if (correlation) plan.push(correlation);

  if (desired.enabled === current.disabled) {
    plan.push(
      desired.enabled
        ? { kind: "enable", route: "enableAccount", params, body: toggleBody(desired), description: "enable", wait: { kind: "task" } }
        : { kind: "disable", route: "disableAccount", params, body: toggleBody(desired), description: "disable", wait: { kind: "task" } },
    );
  }

  if (desired.unlock && current.locked) {
    plan.push({ kind: "unlock", route: "unlockAccount", params, body: toggleBody(desired), description: "unlock", wait: { kind: "task" } });
  }
  return plan;
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
