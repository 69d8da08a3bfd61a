/**
 * Account inputs as they reach the provider (plain JSON from Pulumi): validation with messages that
 * name the field, defaults, and conversion to the diff engine's `DesiredAccount`.
 */
import type { SourceSchema } from "../../client/types";
import type { DesiredAccount } from "../../engine/account-plan";
import type { DesiredAttributeValue } from "../../engine/normalize";
import { containsUnknown, isUnknown } from "../shared/unknown";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** ISC object ids: 32 hex digits. */
export const ISC_ID = /^[0-9a-f]{32}$/i;

const KNOWN_INPUTS = new Set([
  "sourceId",
  "nativeIdentity",
  "attributes",
  "identityId",
  "manuallyCorrelated",
  "enabled",
  "unlock",
  "forceProvisioning",
  "externalVerificationId",
  "adopt",
  "taskTimeoutSeconds",
  "pollIntervalMs",
  "reloadTrigger",
  "includeEntitlements",
]);

/** Options that steer the provider but are not tenant state. */
export interface AccountRunOptions {
  adopt: boolean;
  taskTimeoutMs: number;
  pollIntervalMs: number;
}

export const DEFAULT_TASK_TIMEOUT_SECONDS = 600;
export const DEFAULT_POLL_INTERVAL_MS = 500;

type Raw = Record<string, unknown>;

function checkOptionalBoolean(inputs: Raw, name: string, failures: CheckFailure[]): void {
  const v = inputs[name];
  if (v !== undefined && v !== null && !isUnknown(v) && typeof v !== "boolean") {
    failures.push({ property: name, reason: `${name} must be a boolean (true or false), got ${JSON.stringify(v)}` });
  }
}

/** Validates shape and values without any API call. Unknown (preview) values are not judged. */
export function validateAccountInputs(inputs: Raw): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(inputs)) {
    if (key !== "__provider" && !KNOWN_INPUTS.has(key)) {
      failures.push({ property: key, reason: `unknown input "${key}"; known inputs: ${[...KNOWN_INPUTS].join(", ")}` });
    }
  }

  const sourceId = inputs.sourceId;
  if (sourceId === undefined || sourceId === null || sourceId === "") {
    failures.push({ property: "sourceId", reason: "sourceId is required: the id of the flat-file (DelimitedFile) source" });
  } else if (!isUnknown(sourceId) && (typeof sourceId !== "string" || !ISC_ID.test(sourceId))) {
    failures.push({ property: "sourceId", reason: `sourceId must be a 32-character hex ISC id, got ${JSON.stringify(sourceId)}` });
  }

  const nativeIdentity = inputs.nativeIdentity;
  if (nativeIdentity === undefined || nativeIdentity === null) {
    failures.push({ property: "nativeIdentity", reason: "nativeIdentity is required: the account's id on the source" });
  } else if (!isUnknown(nativeIdentity)) {
    if (typeof nativeIdentity !== "string") {
      failures.push({ property: "nativeIdentity", reason: `nativeIdentity must be a string, got ${JSON.stringify(nativeIdentity)}` });
    } else if (nativeIdentity.trim() === "") {
      failures.push({ property: "nativeIdentity", reason: "nativeIdentity must not be empty" });
    } else if (nativeIdentity.trim() !== nativeIdentity) {
      failures.push({ property: "nativeIdentity", reason: `nativeIdentity must not start or end with spaces: ${JSON.stringify(nativeIdentity)}` });
    }
  }

  const attributes = inputs.attributes;
  if (attributes !== undefined && attributes !== null && !isUnknown(attributes)) {
    if (typeof attributes !== "object" || Array.isArray(attributes)) {
      failures.push({ property: "attributes", reason: "attributes must be a map of attribute name to a string or a list of strings" });
    } else {
      for (const [name, value] of Object.entries(attributes as Raw)) {
        const property = `attributes.${name}`;
        if (name.trim() === "") failures.push({ property: "attributes", reason: "attribute names must not be empty" });
        if (value === null || isUnknown(value) || typeof value === "string") continue;
        if (Array.isArray(value)) {
          const bad = value.find((v) => typeof v !== "string" && !isUnknown(v));
          if (bad !== undefined) {
            failures.push({ property, reason: `${property} must hold strings only, found ${JSON.stringify(bad)}` });
          }
          continue;
        }
        failures.push({
          property,
          reason: `${property} must be a string, a list of strings, or null (to remove it), got ${JSON.stringify(value)}` +
            (typeof value === "number" || typeof value === "boolean" ? ` (quote it: "${String(value)}")` : ""),
        });
      }
    }
  }

  const identityId = inputs.identityId;
  if (identityId !== undefined && identityId !== null && !isUnknown(identityId) && (typeof identityId !== "string" || !ISC_ID.test(identityId))) {
    failures.push({ property: "identityId", reason: `identityId must be a 32-character hex ISC identity id or null, got ${JSON.stringify(identityId)}` });
  }
  for (const name of ["manuallyCorrelated", "enabled", "unlock", "forceProvisioning", "adopt", "includeEntitlements"]) {
    checkOptionalBoolean(inputs, name, failures);
  }
  const evid = inputs.externalVerificationId;
  if (evid !== undefined && evid !== null && !isUnknown(evid) && typeof evid !== "string") {
    failures.push({ property: "externalVerificationId", reason: "externalVerificationId must be a string" });
  }
  const timeout = inputs.taskTimeoutSeconds;
  if (timeout !== undefined && timeout !== null && !isUnknown(timeout) && !(typeof timeout === "number" && timeout > 0 && timeout <= 86400)) {
    failures.push({ property: "taskTimeoutSeconds", reason: `taskTimeoutSeconds must be a number of seconds between 1 and 86400, got ${JSON.stringify(timeout)}` });
  }
  const poll = inputs.pollIntervalMs;
  if (poll !== undefined && poll !== null && !isUnknown(poll) && !(typeof poll === "number" && poll >= 50 && poll <= 60000)) {
    failures.push({ property: "pollIntervalMs", reason: `pollIntervalMs must be a number between 50 and 60000, got ${JSON.stringify(poll)}` });
  }
  return failures;
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
  if (given !== undefined && given !== null && (typeof given !== "object" || Array.isArray(given) || isUnknown(given))) {
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
        reason: `attribute "${name}" is not in the account schema of source ${sourceLabel}; known attributes: ${[...definitions.keys()].sort().join(", ")}`,
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
        reason: `attributes.${identityAttribute} is the identity attribute of source ${sourceLabel} and must equal nativeIdentity ("${nativeIdentity}"), got ${JSON.stringify(value)}`,
      });
    }
  }
  return { failures, attributes };
}

/** Converts validated inputs to what the diff engine wants. */
export function desiredAccountFrom(inputs: Raw): DesiredAccount {
  const desired: DesiredAccount = {
    sourceId: String(inputs.sourceId),
    nativeIdentity: String(inputs.nativeIdentity),
    attributes: { ...((inputs.attributes as Record<string, DesiredAttributeValue> | null | undefined) ?? {}) },
    enabled: inputs.enabled !== false,
    unlock: inputs.unlock === true,
  };
  if (inputs.identityId !== undefined) desired.identityId = inputs.identityId as string | null;
  if (typeof inputs.manuallyCorrelated === "boolean") desired.manuallyCorrelated = inputs.manuallyCorrelated;
  if (typeof inputs.forceProvisioning === "boolean") desired.forceProvisioning = inputs.forceProvisioning;
  if (typeof inputs.externalVerificationId === "string") desired.externalVerificationId = inputs.externalVerificationId;
  return desired;
}

export function runOptionsFrom(inputs: Raw): AccountRunOptions {
  const timeout = typeof inputs.taskTimeoutSeconds === "number" ? inputs.taskTimeoutSeconds : DEFAULT_TASK_TIMEOUT_SECONDS;
  const poll = typeof inputs.pollIntervalMs === "number" ? inputs.pollIntervalMs : DEFAULT_POLL_INTERVAL_MS;
  return { adopt: inputs.adopt === true, taskTimeoutMs: timeout * 1000, pollIntervalMs: poll };
}
