/**
 * The definitions file JSON Schema (generated from the Account's field declaration, see
 * schema-document.ts; shipped as schema/accounts.schema.json) compiled with ajv, plus the Account's
 * own input checks on every account, and ajv errors turned into messages a person editing YAML
 * understands. Editors, `isc-accounts validate` and the Pulumi program all use the same rules.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject, type SchemaValidateFunction, type ValidateFunction } from "ajv";
import { accountField, isAccountFieldName } from "../resources/account/fields";
import { validateGivenFields } from "../resources/account/inputs";
import { accountsJsonSchema, type JsonSchema } from "./schema-document";

const PACKAGE_NAME = "pulumi-isc-accounts";
const SCHEMA_RELATIVE_PATH = path.join("schema", "accounts.schema.json");

/** Finds the package root by walking up from this module (works from provider/ and from dist/provider/). */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string };
      if (name === PACKAGE_NAME) return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${from}`);
  }
}

export function definitionsSchemaPath(): string {
  return path.join(packageRoot(), SCHEMA_RELATIVE_PATH);
}

/**
 * Keyword (runtime only, not in the published file) that runs the Account's input checks, the ones
 * Pulumi `check` runs, on each account entry: validate and preview refuse exactly the same input.
 */
const ACCOUNT_CHECK = "accountInputCheck";

/** `attributes.e/mail` -> `/attributes/e~1mail`: the first dot separates the field from a map key. */
function pointerOf(property: string): string {
  const dot = property.indexOf(".");
  const segments = dot === -1 ? [property] : [property.slice(0, dot), property.slice(dot + 1)];
  return segments.map((segment) => `/${segment.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

const accountInputCheck: SchemaValidateFunction = (_schema, data: unknown, _parent, context): boolean => {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return true;
  const failures = validateGivenFields(data as Record<string, unknown>);
  accountInputCheck.errors = failures.map((failure) => ({
    keyword: ACCOUNT_CHECK,
    instancePath: `${context?.instancePath ?? ""}${pointerOf(failure.property)}`,
    message: failure.reason,
    params: {},
  }));
  return failures.length === 0;
};

let compiled: ValidateFunction | undefined;

export function definitionsValidator(): ValidateFunction {
  if (!compiled) {
    const schema = accountsJsonSchema();
    (schema.definitions as Record<string, JsonSchema>).account[ACCOUNT_CHECK] = true;
    // `patternErrorMessage` is the VS Code / yaml-language-server extension the schema uses for
    // readable pattern errors; ajv must accept it (and we reuse it below).
    const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
    ajv.addKeyword("patternErrorMessage");
    ajv.addKeyword({ keyword: ACCOUNT_CHECK, schemaType: "boolean", errors: true, validate: accountInputCheck });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** A schema violation located by its path inside the document. */
export interface SchemaProblem {
  /** Path of the offending value, e.g. ["accounts", 2, "identityId"]. */
  path: Array<string | number>;
  /** When set, the problem is this key of the map at `path` (unknown keys), so point at the key. */
  key?: string;
  message: string;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a map",
  null: "null",
  number: "a number",
  integer: "an integer",
};

/** Ajv's instance path (`/accounts/2/attributes/e~1mail`) as segments (array indices as numbers). */
function instancePathSegments(instancePath: string): Array<string | number> {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

/** `accounts[2].attributes.email`, `accounts[0].attributes["e-mail"]`; empty for the document root. */
function formatDocumentPath(segments: ReadonlyArray<string | number>): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function located(segments: ReadonlyArray<string | number>, message: string): string {
  const where = formatDocumentPath(segments);
  return where === "" ? message : `${where}: ${message}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  // Not the parsed number itself: YAML turned e.g. 00123 into 123, which would only confuse.
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return `the boolean ${value}`;
  return `a ${typeof value}`;
}

function typeMessage(error: ErrorObject): string {
  const expected = ([] as string[]).concat(error.params.type as string | string[]);
  const names = expected.map((t) =>
    t === "array" && expected.includes("string") ? "a list of strings" : (TYPE_NAMES[t] ?? t),
  );
  const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}` : names[0];
  const got = describeValue(error.data);
  // YAML silently turns 00123 into 123 and true into a boolean: say how to keep it as text.
  const hint =
    expected.includes("string") && (typeof error.data === "number" || typeof error.data === "boolean")
      ? "; quote the value to keep it as text"
      : "";
  return `must be ${list}, got ${got}${hint}`;
}

function problemMessage(error: ErrorObject): string {
  const parent = error.parentSchema as { patternErrorMessage?: string } | undefined;
  switch (error.keyword) {
    case "type":
      return typeMessage(error);
    case "pattern":
      return (
        `${parent?.patternErrorMessage ?? `must match ${String(error.params.pattern)}`}, got ` +
        `${JSON.stringify(error.data)}`
      );
    case "minLength":
      return "must not be empty";
    case "required":
      return `missing required key "${String(error.params.missingProperty)}"`;
    default:
      return error.message ?? `fails schema keyword ${error.keyword}`;
  }
}

/**
 * The Account's own check and the schema may both speak about one field. The schema's message is
 * kept for type errors (it knows YAML: "quote the value") and for ids (the file format is stricter:
 * lowercase hex); otherwise the check's message wins over the schema's value keywords (pattern,
 * maxLength, propertyNames, ...), being the one `pulumi preview` shows. Only errors inside an
 * account's field (`/accounts/<i>/<field>...`) are ever dropped.
 */
function withoutRestatements(errors: readonly ErrorObject[]): ErrorObject[] {
  const related = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
  const fieldOf = (e: ErrorObject) => e.instancePath.split("/")[3];
  const schemaSpeaks = (e: ErrorObject) => {
    const field = fieldOf(e);
    if (e.keyword === ACCOUNT_CHECK || field === undefined) return false;
    return e.keyword === "type" || (isAccountFieldName(field) && accountField(field).type.startsWith("iscId"));
  };
  const schemaPaths = errors.filter(schemaSpeaks).map((e) => e.instancePath);
  const checks = errors.filter(
    (e) => e.keyword === ACCOUNT_CHECK && !schemaPaths.some((path) => related(path, e.instancePath)),
  );
  const checked = checks.map((e) => e.instancePath);
  return errors.filter((e) =>
    e.keyword === ACCOUNT_CHECK
      ? checks.includes(e)
      : schemaSpeaks(e) || fieldOf(e) === undefined || !checked.some((path) => related(path, e.instancePath)),
  );
}

/** Turns ajv errors into located, readable problems (one per error). */
export function schemaProblems(errors: readonly ErrorObject[]): SchemaProblem[] {
  return withoutRestatements(errors).map((error) => {
    const segments = instancePathSegments(error.instancePath);
    if (error.keyword === "additionalProperties") {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      return {
        path: segments,
        key,
        message: located([...segments, key], `unknown key "${key}" (allowed: ${allowed.join(", ")})`),
      };
    }
    return { path: segments, message: located(segments, problemMessage(error)) };
  });
}
