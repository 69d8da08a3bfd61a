/**
 * How incoming attribute values are stored, following the source's account schema: multi-valued
 * (isMulti) attributes become string arrays, single-valued ones strings; "", [] and null mean
 * "no value" (ISC drops empty values). Attributes the schema does not name are kept as given.
 */
import type { SourceRecord, StoredAttributeValue, StoredAttributes } from "./model";

export class AttributeValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AttributeValueError";
  }
}

/**
 * "strings": only strings and string arrays are accepted (POST /accounts, whose spec types values as
 * strings). "scalars": numbers and booleans are stringified too, and null removes (PUT, PATCH, seed).
 */
export type AttributeInputMode = "strings" | "scalars";

function toStringValue(name: string, value: unknown, mode: AttributeInputMode): string {
  if (typeof value === "string") return value;
  if (mode === "scalars" && (typeof value === "number" || typeof value === "boolean")) return String(value);
  const allowed =
    mode === "strings" ? "a string or an array of strings" : "a string, number, boolean or an array of them";
  throw new AttributeValueError(`attribute "${name}" must be ${allowed}, got ${JSON.stringify(value)}`);
}

/** The stored form of one value, or undefined for "no value". */
export function normalizeAttributeValue(
  source: SourceRecord,
  name: string,
  value: unknown,
  mode: AttributeInputMode,
): StoredAttributeValue | undefined {
  if (value === null && mode === "scalars") return undefined;
  const spec = source.attributes.find((attribute) => attribute.name === name);
  if (Array.isArray(value)) {
    const strings = [...new Set(value.map((item) => toStringValue(name, item, mode)).filter((item) => item !== ""))];
    if (strings.length === 0) return undefined;
    if (spec && !spec.isMulti) {
      if (strings.length > 1)
        throw new AttributeValueError(`attribute "${name}" is single-valued but got ${strings.length} values`);
      return strings[0];
    }
    return strings;
  }
  const single = toStringValue(name, value, mode);
  if (single === "") return undefined;
  return spec?.isMulti ? [single] : single;
}

/** The stored form of a whole attribute set. */
export function normalizeAttributeSet(
  source: SourceRecord,
  input: Readonly<Record<string, unknown>>,
  mode: AttributeInputMode,
): StoredAttributes {
  const result: StoredAttributes = {};
  for (const [name, value] of Object.entries(input)) {
    const stored = normalizeAttributeValue(source, name, value, mode);
    if (stored !== undefined) result[name] = stored;
  }
  return result;
}

/** The account's display name: the display attribute's value, else the native identity. */
export function accountDisplayName(source: SourceRecord, attributes: StoredAttributes, nativeIdentity: string): string {
  const display = attributes[source.displayAttribute];
  const value = Array.isArray(display) ? display[0] : display;
  return value !== undefined && value !== "" ? value : nativeIdentity;
}

export function cloneAttributes(attributes: StoredAttributes): StoredAttributes {
  const copy: StoredAttributes = {};
  for (const [name, value] of Object.entries(attributes)) copy[name] = Array.isArray(value) ? [...value] : value;
  return copy;
}
