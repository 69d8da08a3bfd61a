/**
 * The README's Account inputs table, rendered from the field declaration (fields.ts), so the
 * documentation cannot drift from what `check` enforces. `npm run generate` writes it into README.md.
 */
import {
  ACCOUNT_FIELD_NAMES,
  MAX_NATIVE_IDENTITY_LENGTH,
  accountField,
  type AccountFieldName,
  type ChangeCost,
} from "./fields";

const CHANGE: Record<ChangeCost, string> = {
  replace: "**replaces** the account",
  update: "API calls on the account (see below)",
  reload: "a reload from the source",
  none: "no API call",
};

function typeOf(name: AccountFieldName): string {
  const spec = accountField(name);
  switch (spec.type) {
    case "iscId":
      return "string (32 hex)";
    case "iscIdOrNull":
      return "string (32 hex) \\| null";
    case "nativeIdentity":
      return `string (1..${MAX_NATIVE_IDENTITY_LENGTH} characters, no control characters)`;
    case "attributes":
      return "`{name: string \\| string[] \\| null}`";
    case "number":
      return `number (${spec.range!.min}..${spec.range!.max} ${spec.range!.unit})`;
    case "trigger":
      return "string (any value)";
    default:
      return spec.type;
  }
}

function defaultOf(name: AccountFieldName): string {
  const spec = accountField(name);
  if (spec.required) return "required";
  if (spec.default !== undefined) return `\`${JSON.stringify(spec.default)}\``;
  return spec.change === "update" ? "not managed" : "";
}

/** The table, one row per input, in declaration order. */
export function accountInputsTable(): string {
  const rows = ACCOUNT_FIELD_NAMES.map((name) => {
    const spec = accountField(name);
    const kept = spec.keptInState ? "yes" : "";
    return `| \`${name}\` | ${typeOf(name)} | ${defaultOf(name)} | ${CHANGE[spec.change]} | ${kept} | ${spec.doc.replace(/\|/g, "\\|")} |`;
  });
  return [
    "| input | type | default | a change costs | echoed in outputs | meaning |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

export const README_TABLE_BEGIN =
  "<!-- account-inputs:begin (generated from provider/resources/account/fields.ts by `npm run generate`) -->";
export const README_TABLE_END = "<!-- account-inputs:end -->";

/** README text with the table between its markers replaced by the current one. */
export function withAccountInputsTable(readme: string): string {
  const begin = readme.indexOf(README_TABLE_BEGIN);
  const end = readme.indexOf(README_TABLE_END);
  if (begin === -1 || end < begin) throw new Error("README.md has no account inputs table markers");
  return `${readme.slice(0, begin + README_TABLE_BEGIN.length)}\n${accountInputsTable()}\n${readme.slice(end)}`;
}
