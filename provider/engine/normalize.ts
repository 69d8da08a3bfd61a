/**
 * Attribute value normalisation shared by the diff engine and drift detection, so that preview,
 * update and the drift report agree on what "the same" means. ISC returns multi-valued attributes
 * as arrays (in any order) and single values as strings; users write either form.
 */
import type { AttributeValue } from "../client/types";

/** A desired attribute value: a string, a list of strings, or null for "must be absent". */
export type DesiredAttributeValue = string | string[] | null;

/**
 * Canonical form of a value: a sorted list of distinct strings. `"a"` and `["a"]` are equal, order
 * of multi-valued attributes does not matter, and null, undefined, "" and [] all mean "absent"
 * (ISC drops empty values on a flat-file account).
 */
export function canonicalAttributeValue(value: AttributeValue | DesiredAttributeValue | undefined): string[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  const strings = list
    .filter((v) => v !== null && v !== undefined)
    .map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v)))
    .filter((v) => v !== "");
  return [...new Set(strings)].sort();
}

export function attributeValuesEqual(
  a: AttributeValue | DesiredAttributeValue | undefined,
  b: AttributeValue | DesiredAttributeValue | undefined,
): boolean {
  const ca = canonicalAttributeValue(a);
  const cb = canonicalAttributeValue(b);
  return ca.length === cb.length && ca.every((v, i) => v === cb[i]);
}

/** Names of the desired attributes whose value differs from the current one. */
export function changedAttributeNames(
  desired: Readonly<Record<string, DesiredAttributeValue>>,
  current: Readonly<Record<string, AttributeValue>> | null | undefined,
): string[] {
  return Object.keys(desired)
    .filter((name) => !attributeValuesEqual(desired[name], current?.[name]))
    .sort();
}

/**
 * The current values of the managed attributes, shaped like the desired ones (string for one value,
 * sorted string[] for several, null when absent). Used for outputs and drift reports so that an
 * unchanged account always renders identically.
 */
export function managedAttributeValues(
  managedNames: Iterable<string>,
  current: Readonly<Record<string, AttributeValue>> | null | undefined,
  multiValued: ReadonlySet<string> = new Set(),
): Record<string, DesiredAttributeValue> {
  const out: Record<string, DesiredAttributeValue> = {};
  for (const name of [...managedNames].sort()) {
    const canon = canonicalAttributeValue(current?.[name]);
    if (canon.length === 0) out[name] = null;
    else if (canon.length === 1 && !multiValued.has(name) && !Array.isArray(current?.[name])) out[name] = canon[0];
    else out[name] = canon;
  }
  return out;
}
