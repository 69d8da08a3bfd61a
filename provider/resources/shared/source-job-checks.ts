/**
 * Input checks both source-job resources share (UncorrelatedAccountsLoad, SourceClassification).
 * Each returns a failure naming the field, or undefined; values not known yet (preview) pass.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ISC_ID, checkNumberRange } from "./input-checks";
import { isUnknown } from "./unknown";

export { unknownInputFailures } from "./input-checks";

export type CheckFailure = pulumi.dynamic.CheckFailure;
type Raw = Record<string, unknown>;

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

export function sourceIdFailure(inputs: Raw): CheckFailure | undefined {
  const sourceId = inputs.sourceId;
  if (absent(sourceId) || sourceId === "") {
    return { property: "sourceId", reason: "sourceId is required: the id of the source (32 hex characters)" };
  }
  if (!isUnknown(sourceId) && (typeof sourceId !== "string" || !ISC_ID.test(sourceId))) {
    return {
      property: "sourceId",
      reason: `sourceId must be a 32-character hex ISC id, got ${JSON.stringify(sourceId)}`,
    };
  }
  return undefined;
}

/** An optional number that must lie in [min, max] when given. */
export function numberRangeFailure(
  inputs: Raw,
  name: string,
  min: number,
  max: number,
  unit: string,
): CheckFailure | undefined {
  return checkNumberRange(name, inputs[name], { min, max, unit })[0];
}
