/**
 * Account inputs as they reach the provider (plain JSON from Pulumi) or a GitOps file: the checks
 * derived from the field declaration (fields.ts), shared by Pulumi `check` and `isc-accounts
 * validate` so the two cannot disagree, defaults, and conversion to the engine's declaration.
 */
import type { SourceSchema } from "../../client/types";
import type { DesiredAccount } from "../../engine/account-plan";
import {
  checkAttributeMap,
  checkBoolean,
  checkIdentifier,
  checkIscId,
  checkNumberRange,
  checkString,
  unknownInputFailures,
  type CheckFailure,
} from "../shared/input-checks";
import { containsUnknown, isUnknown } from "../shared/unknown";
import {
  ACCOUNT_FIELD_NAMES,
  MAX_NATIVE_IDENTITY_LENGTH,
  accountField,
  defaultOf,
  type AccountFieldName,
  type AccountFieldSpec,
} from "./fields";

export type { CheckFailure } from "../shared/input-checks";

/** Options that steer the provider but are not tenant state. */
export interface AccountRunOptions {
  adopt: boolean;
  taskTimeoutMs: number;
  pollIntervalMs: number;
}

export const DEFAULT_TASK_TIMEOUT_SECONDS = defaultOf("taskTimeoutSeconds");
export const DEFAULT_POLL_INTERVAL_MS = defaultOf("pollIntervalMs");

type Raw = Record<string, unknown>;

/** The checks of one field's value, chosen by its declared type. */
function checkField(name: AccountFieldName, spec: AccountFieldSpec, value: unknown): CheckFailure[] {
  if (spec.required && (value === undefined || value === null)) {
    return [{ property: name, reason: `${name} is required: ${spec.doc}` }];
  }
  switch (spec.type) {
    case "iscId":
      return checkIscId(name, value, false);
    case "iscIdOrNull":
      return checkIscId(name, value, true);
    case "nativeIdentity":
      return checkIdentifier(name, value, MAX_NATIVE_IDENTITY_LENGTH);
    case "attributes":
      return checkAttributeMap(name, value);
    case "boolean":
      return checkBoolean(name, value);
    case "string":
      return checkString(name, value);
    case "number":
      return checkNumberRange(name, value, spec.range!);
    case "trigger":
      return [];
  }
}

/**
 * Validates shape and values without any API call; every failure names its field. Unknown (preview)
 * values are not judged. `isc-accounts validate` runs this same function on each definition.
 */
export function validateAccountInputs(inputs: Raw): CheckFailure[] {
  const failures = unknownInputFailures(inputs, ACCOUNT_FIELD_NAMES);
  for (const name of ACCOUNT_FIELD_NAMES) failures.push(...checkField(name, accountField(name), inputs[name]));
  return failures;
}

/** The same checks for the declared fields a partial declaration holds (a GitOps entry has no sourceId). */
export function validateGivenFields(inputs: Raw): CheckFailure[] {
  return ACCOUNT_FIELD_NAMES.filter((name) => inputs[name] !== undefined).flatMap((name) =>
    checkField(name, accountField(name), inputs[name]),
  );
}

/**
 * Checks that need the source's account schema: the identity attribute (filled from nativeIdentity
 * when absent, a conflict is an error), unknown attribute names, and lists given for single-valued
 * attributes. Returns the attributes with the identity attribute filled in.
 */
export function validateAgainstSchema(
  inputs: Raw,
  schema: SourceSchema,
  sourceLabel: string,
): { failures: CheckFailure[]; attributes: Record<string, unknown> | undefined } {
  const failures: CheckFailure[] = [];
  const given = inputs.attributes;
  if (
    given !== undefined &&
    given !== null &&
    (typeof given !== "object" || Array.isArray(given) || isUnknown(given))
  ) {
    return { failures, attributes: undefined };
  }
  const attributes: Record<string, unknown> = { ...((given as Raw | null | undefined) ?? {}) };
  const definitions = new Map((schema.attributes ?? []).map((a) => [a.name, a]));
  const identityAttribute = schema.identityAttribute;
  const nativeIdentity = inputs.nativeIdentity;

  for (const [name, value] of Object.entries(attributes)) {
    const definition = definitions.get(name);
    if (definitions.size > 0 && !definition) {
      failures.push({
        property: `attributes.${name}`,
        reason:
          `attribute "${name}" is not in the account schema of source ${sourceLabel}; known attributes: ` +
          `${[...definitions.keys()].sort().join(", ")}`,
      });
    } else if (definition && !definition.isMulti && Array.isArray(value) && value.length > 1) {
      failures.push({
        property: `attributes.${name}`,
        reason: `attribute "${name}" is single-valued on source ${sourceLabel} but ${value.length} values were given`,
      });
    }
  }
  if (identityAttribute && typeof nativeIdentity === "string" && !isUnknown(nativeIdentity)) {
    const value = attributes[identityAttribute];
    if (value === undefined) {
      attributes[identityAttribute] = nativeIdentity;
    } else if (!containsUnknown(value) && value !== nativeIdentity) {
      failures.push({
        property: `attributes.${identityAttribute}`,
        reason:
          `attributes.${identityAttribute} is the identity attribute of source ${sourceLabel} and must equal ` +
          `nativeIdentity ("${nativeIdentity}"), got ${JSON.stringify(value)}`,
      });
    }
  }
  return { failures, attributes };
}

/**
 * The declaration of validated inputs: every declared field given, defaults filled in where the
 * declaration says so; other absent fields stay out (= not managed).
 */
export function desiredAccountFrom(inputs: Raw): DesiredAccount {
  const desired: Raw = {};
  for (const name of ACCOUNT_FIELD_NAMES) {
    const spec = accountField(name);
    const value = inputs[name];
    // null means "none" only where null is a value (identityId); elsewhere it is the same as absent.
    const given = value !== undefined && (value !== null || spec.type === "iscIdOrNull");
    if (given) desired[name] = spec.type === "attributes" ? { ...(value as Raw) } : value;
    else if (spec.filled) desired[name] = spec.type === "attributes" ? {} : spec.default;
  }
  return desired as unknown as DesiredAccount;
}

export function runOptionsFrom(inputs: Raw): AccountRunOptions {
  const timeout =
    typeof inputs.taskTimeoutSeconds === "number" ? inputs.taskTimeoutSeconds : DEFAULT_TASK_TIMEOUT_SECONDS;
  const poll = typeof inputs.pollIntervalMs === "number" ? inputs.pollIntervalMs : DEFAULT_POLL_INTERVAL_MS;
  return { adopt: inputs.adopt === true, taskTimeoutMs: timeout * 1000, pollIntervalMs: poll };
}
