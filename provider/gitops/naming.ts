/**
 * Pulumi resource names for definitions. The name depends ONLY on source + nativeIdentity, so
 * moving an account to another file, reordering, or changing its other keys never renames it (a
 * rename would make Pulumi delete and re-create the account).
 */

/**
 * Characters escaped as %XX in the nativeIdentity part: `%` (so the escaping is reversible, hence
 * collision-free), `:` (Pulumi URNs use `::` as separator), and control / non-space whitespace
 * characters that would make names unreadable or ambiguous in logs.
 */
const UNSAFE =
  /[%:\u0000-\u001f\u007f-\u009f\u2028\u2029\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]/gu;

function escapeChar(char: string): string {
  return [...Buffer.from(char, "utf8")].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("");
}

/**
 * `<sourceId>/<nativeIdentity>` with unsafe characters percent-escaped, e.g.
 * `2c9180857df6aa8f017e1a4fb1e20a5b/jdoe`. A `/` is also escaped in the source part (never present
 * in a real 32-hex id), so the first `/` always separates the two parts and the name is injective.
 */
export function accountResourceName(sourceId: string, nativeIdentity: string): string {
  const sourcePart = sourceId.replace(UNSAFE, escapeChar).replace(/\//g, escapeChar);
  return `${sourcePart}/${nativeIdentity.replace(UNSAFE, escapeChar)}`;
}
