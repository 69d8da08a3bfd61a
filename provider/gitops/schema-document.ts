/**
 * The definitions file JSON Schema, generated from the Account's field declaration
 * (resources/account/fields.ts). `npm run generate` writes it to schema/accounts.schema.json for
 * editors; the loader compiles this same object (schema.ts), and a test keeps the file current.
 */
import {
  ACCOUNT_FIELD_NAMES,
  MAX_NATIVE_IDENTITY_LENGTH,
  accountField,
  type AccountFieldName,
} from "../resources/account/fields";

export type JsonSchema = { [key: string]: unknown };

const ISC_ID_PATTERN = "^[0-9a-f]{32}$";

/** No leading or trailing whitespace, no C0/C1 control characters, no line or paragraph separators. */
const IDENTIFIER_PATTERN = "^(?!\\s)(?!.*\\s$)[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]+$";

const DESCRIPTION =
  "One file of GitOps account definitions for pulumi-isc-accounts: the accounts of ONE SailPoint ISC flat-file " +
  "(DelimitedFile) source. A definitions directory holds any number of *.yaml / *.yml files (read recursively, in " +
  "sorted path order); the same source may appear in several files, but each source + nativeIdentity pair may be " +
  "defined only once across all of them. Resource names derive only from source + nativeIdentity, so moving an " +
  "account between files or reordering never replaces it. " +
  "Editor support: add `# yaml-language-server: $schema=<path>/schema/accounts.schema.json` as the first line of a " +
  "file. The `isc-accounts validate` command and the Pulumi program validate against this same schema (generated " +
  "from the Account's field declaration; do not edit by hand, run `npm run generate`).";

/** The schema of one field's value, by its declared type. */
function valueSchema(name: AccountFieldName): JsonSchema {
  const spec = accountField(name);
  switch (spec.type) {
    case "iscId":
      return { $ref: "#/definitions/iscId" };
    case "iscIdOrNull":
      return {
        type: ["string", "null"],
        pattern: ISC_ID_PATTERN,
        patternErrorMessage: "must be a 32-character lowercase hex id or null",
      };
    case "nativeIdentity":
      return {
        type: "string",
        minLength: 1,
        maxLength: MAX_NATIVE_IDENTITY_LENGTH,
        pattern: IDENTIFIER_PATTERN,
        patternErrorMessage: "must not contain control characters or start or end with spaces",
      };
    case "attributes":
      return {
        type: "object",
        propertyNames: { type: "string", pattern: "\\S", not: { const: "__proto__" } },
        additionalProperties: { $ref: "#/definitions/attributeValue" },
      };
    case "boolean":
    case "string":
    case "number":
      return { type: spec.type };
    case "trigger":
      return {};
  }
}

function described(name: AccountFieldName): JsonSchema {
  return { description: accountField(name).doc, ...valueSchema(name) };
}

export function accountsJsonSchema(): JsonSchema {
  const inDefaults = ACCOUNT_FIELD_NAMES.filter((name) => accountField(name).gitops === "account-and-defaults");
  const inAccount = ACCOUNT_FIELD_NAMES.filter((name) =>
    ["account", "account-and-defaults"].includes(accountField(name).gitops),
  );
  const source = ACCOUNT_FIELD_NAMES.find((name) => accountField(name).gitops === "source")!;
  const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "ISC flat-file account definitions",
    description: DESCRIPTION,
    type: "object",
    additionalProperties: false,
    required: ["source", "accounts"],
    properties: {
      source: described(source),
      defaults: {
        description: "Values applied to every account of this file that does not set the key itself.",
        type: "object",
        additionalProperties: false,
        properties: Object.fromEntries(inDefaults.map((name) => [name, ref(name)])),
      },
      accounts: {
        description:
          "The accounts of this source that this file manages (may be empty). Accounts on the source that no file " +
          "declares are left " +
          "alone (`isc-accounts drift --include-unmanaged` lists them).",
        type: "array",
        items: ref("account"),
      },
    },
    definitions: {
      iscId: {
        type: "string",
        pattern: ISC_ID_PATTERN,
        patternErrorMessage: "must be a 32-character lowercase hex id",
      },
      ...Object.fromEntries(inDefaults.map((name) => [name, described(name)])),
      attributeValue: {
        description:
          'A single value (string), several values (list of strings, order does not matter), or null for "must be ' +
          'absent". Quote ' +
          'values that YAML would read as numbers or booleans (e.g. "00123", "true").',
        type: ["string", "array", "null"],
        items: { type: "string" },
      },
      account: {
        description: "One account on the source.",
        type: "object",
        additionalProperties: false,
        required: inAccount.filter((name) => "required" in accountField(name)),
        properties: Object.fromEntries(
          inAccount.map((name) => [name, inDefaults.includes(name) ? ref(name) : described(name)]),
        ),
      },
    },
  };
}

/** The file's text: two-space JSON and a final newline. */
export function accountsJsonSchemaText(): string {
  return `${JSON.stringify(accountsJsonSchema(), null, 2)}\n`;
}
