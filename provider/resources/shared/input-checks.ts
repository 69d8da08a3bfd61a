/**
 * Value checks shared by resources (and by `isc-accounts validate`, through the Account's checks).
 * Each returns the failures of one named value, with a reason that names the field; a value the
 * engine does not know yet (preview) is never judged.
 */
import { isUnknown } from "./unknown";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** ISC object ids: 32 hex digits. */
export const ISC_ID = /^[0-9a-f]{32}$/i;

/**
 * C0 and C1 control characters (NUL, newline, ESC, DEL, ...) and the Unicode line and paragraph
 * separators: never part of an identifier, and they break filters, URLs, logs and flat files.
 */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/**
 * Half of a UTF-16 surrogate pair on its own: not Unicode text. Protocol Buffers (program -> engine ->
 * plugin) drop it silently, so "E1\uD800001" would reach ISC as "E1001", someone else's account.
 */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why `value` cannot travel to ISC intact, or undefined. */
function malformedText(value: string): string | undefined {
  const lone = LONE_SURROGATE.exec(value);
  if (!lone) return undefined;
  const code = `U+${lone[0].charCodeAt(0).toString(16).toUpperCase()}`;
  const where = `found a lone surrogate ${code} at position ${lone.index + 1}`;
  return `must be well-formed Unicode text (${where}, which Pulumi would drop on the way to ISC)`;
}

/**
 * Keys that plain objects cannot hold as data through `obj[key] = value` (Pulumi's serializer and
 * our own merges assign that way): `__proto__` would set the prototype and silently vanish.
 */
const RESERVED_KEYS = new Set(["__proto__"]);

type Failures = CheckFailure[];

function got(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

export function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

export function checkBoolean(name: string, value: unknown): Failures {
  if (absent(value) || isUnknown(value) || typeof value === "boolean") return [];
  return [{ property: name, reason: `${name} must be a boolean (true or false), got ${got(value)}` }];
}

export function checkString(name: string, value: unknown): Failures {
  if (absent(value) || isUnknown(value) || typeof value === "string") return [];
  return [{ property: name, reason: `${name} must be a string, got ${got(value)}` }];
}

/** An optional number in [min, max]; the message states exactly the rule enforced. */
export function checkNumberRange(
  name: string,
  value: unknown,
  range: { min: number; max: number; unit: string },
): Failures {
  if (absent(value) || isUnknown(value)) return [];
  if (typeof value === "number" && Number.isFinite(value) && value >= range.min && value <= range.max) return [];
  return [
    {
      property: name,
      reason: `${name} must be a number of ${range.unit} from ${range.min} to ${range.max}, got ${got(value)}`,
    },
  ];
}

/** An ISC id; `nullable` also accepts null (which then means "none"). */
export function checkIscId(name: string, value: unknown, nullable: boolean): Failures {
  if (value === undefined || (nullable && value === null) || isUnknown(value)) return [];
  if (typeof value === "string" && ISC_ID.test(value)) return [];
  const what = nullable ? "a 32-character hex ISC id or null" : "a 32-character hex ISC id";
  return [{ property: name, reason: `${name} must be ${what}, got ${got(value)}` }];
}

/** An identifier sent to ISC and put in lookup URLs: non-empty, trimmed, bounded, printable. */
export function checkIdentifier(name: string, value: unknown, maxLength: number): Failures {
  if (absent(value) || isUnknown(value)) return [];
  const fail = (reason: string): Failures => [{ property: name, reason }];
  if (typeof value !== "string") return fail(`${name} must be a string, got ${got(value)}`);
  if (value.trim() === "") return fail(`${name} must not be empty`);
  if (value.trim() !== value) return fail(`${name} must not start or end with spaces: ${got(value)}`);
  const malformed = malformedText(value);
  if (malformed) return fail(`${name} ${malformed}`);
  const control = CONTROL_CHARACTER.exec(value);
  if (control) {
    const code = `U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    return fail(
      `${name} must not contain control characters (found ${code} at position ${control.index + 1}): ${got(value)}`,
    );
  }
  if (value.length > maxLength) {
    return fail(
      `${name} must be at most ${maxLength} characters long, got ${value.length} characters starting ` +
        `${got(value.slice(0, 20))}`,
    );
  }
  return [];
}

/** A key of the map `name`: not empty, no control characters, not one a plain object cannot hold. */
export function checkMapKey(name: string, key: string): Failures {
  if (key.trim() === "") return [{ property: name, reason: `${name}: names must not be empty` }];
  if (RESERVED_KEYS.has(key)) {
    return [
      {
        property: `${name}.${key}`,
        reason: `${name}: the name "${key}" is not supported (it cannot be sent or stored as a plain map key)`,
      },
    ];
  }
  if (CONTROL_CHARACTER.test(key))
    return [{ property: name, reason: `${name}: the name ${got(key)} must not contain control characters` }];
  const malformed = malformedText(key);
  if (malformed) return [{ property: name, reason: `${name}: the name ${got(key)} ${malformed}` }];
  return [];
}

/** A string value that must reach ISC exactly as written. */
export function checkText(name: string, value: string): Failures {
  const malformed = malformedText(value);
  return malformed ? [{ property: name, reason: `${name} ${malformed}` }] : [];
}

/** A map of attribute name to a string, a list of strings, or null (remove). */
export function checkAttributeMap(name: string, value: unknown): Failures {
  if (absent(value) || isUnknown(value)) return [];
  if (typeof value !== "object" || Array.isArray(value)) {
    return [{ property: name, reason: `${name} must be a map of attribute name to a string or a list of strings` }];
  }
  const failures: Failures = [];
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const property = `${name}.${key}`;
    failures.push(...checkMapKey(name, key));
    if (item === null || isUnknown(item)) continue;
    if (typeof item === "string") {
      failures.push(...checkText(property, item));
      continue;
    }
    if (Array.isArray(item)) {
      const values = item as unknown[];
      const bad = values.find((v) => typeof v !== "string" && !isUnknown(v));
      if (bad !== undefined)
        failures.push({ property, reason: `${property} must hold strings only, found ${got(bad)}` });
      for (const v of values) if (typeof v === "string") failures.push(...checkText(property, v));
      continue;
    }
    failures.push({
      property,
      reason:
        `${property} must be a string, a list of strings, or null (to remove it), got ${got(item)}` +
        (typeof item === "number" || typeof item === "boolean" ? ` (quote it: "${String(item)}")` : ""),
    });
  }
  return failures;
}

export function unknownInputFailures(inputs: Readonly<Record<string, unknown>>, known: readonly string[]): Failures {
  return Object.keys(inputs)
    .filter((key) => key !== "__provider" && !known.includes(key))
    .map((key) => ({ property: key, reason: `unknown input "${key}"; known inputs: ${known.join(", ")}` }));
}
