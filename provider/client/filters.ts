/**
 * Builder for ISC collection filters (`sourceId eq "x" and nativeIdentity in ("a","b")`): lowercase
 * operators, strings double-quoted with `\` and `"` escaped, booleans and numbers bare. Values
 * from users (native identities, names) go through here, never into a filter by concatenation.
 */
import { ConfigurationError } from "./errors";

export type FilterValue = string | number | boolean;

const FIELD_PATTERN = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

function field(name: string): string {
  if (!FIELD_PATTERN.test(name)) throw new ConfigurationError(`invalid ISC filter field name ${JSON.stringify(name)}`);
  return name;
}

/** One literal: `"a \"b\" c\\d"`, `true`, `42`. */
export function literal(value: FilterValue): string {
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new ConfigurationError(`ISC filter values must be finite numbers, got ${value}`);
    return String(value);
  }
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function eq(fieldName: string, value: FilterValue): string {
  return `${field(fieldName)} eq ${literal(value)}`;
}

/** `field in ("a","b")`; named isIn because `in` is a JavaScript operator. */
export function isIn(fieldName: string, values: ReadonlyArray<FilterValue>): string {
  if (values.length === 0) throw new ConfigurationError(`ISC filter "${fieldName} in (...)" needs at least one value`);
  return `${field(fieldName)} in (${values.map(literal).join(",")})`;
}

/** `field sw "prefix"` (starts with). */
export function sw(fieldName: string, prefix: string): string {
  return `${field(fieldName)} sw ${literal(prefix)}`;
}

/** Joins parts with ` and ` (empty parts are skipped). */
export function and(...parts: string[]): string {
  const nonEmpty = parts.filter((p) => p.trim() !== "");
  if (nonEmpty.length === 0) throw new ConfigurationError("ISC filter: and() needs at least one part");
  return nonEmpty.join(" and ");
}

export interface InChunkLimits {
  /** At most this many values per chunk (ISC returns at most 250 items per page). */
  maxValues: number;
  /**
   * The percent-encoded `in (...)` list stays under this many characters (URLs of ~8 KB and more get refused by
   * proxies).
   */
  maxEncodedChars: number;
}

export const DEFAULT_IN_CHUNK_LIMITS: Readonly<InChunkLimits> = { maxValues: 250, maxEncodedChars: 6_000 };

/**
 * Splits values for `in (...)` filters so that each request stays within both limits. Duplicate
 * values are dropped. A single value longer than the character limit gets a chunk of its own.
 */
export function chunkInValues<V extends FilterValue>(
  values: Iterable<V>,
  limits: InChunkLimits = DEFAULT_IN_CHUNK_LIMITS,
): V[][] {
  const chunks: V[][] = [];
  let current: V[] = [];
  let chars = 0;
  for (const value of new Set(values)) {
    // The literal plus its encoded separator (`%2C`).
    const cost = encodeURIComponent(literal(value)).length + 3;
    if (current.length > 0 && (current.length >= limits.maxValues || chars + cost > limits.maxEncodedChars)) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(value);
    chars += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
