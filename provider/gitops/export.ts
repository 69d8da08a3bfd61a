/**
 * `isc-accounts export`: a source's accounts, as read from the tenant, rendered as a definitions
 * file that adopts them (schema/accounts.schema.json). Pure: cli/export.ts reads and writes.
 *
 * The file is a function of the tenant's data only (no timestamp, accounts sorted by nativeIdentity,
 * multi-valued attributes sorted), so exporting an unchanged tenant twice gives identical bytes.
 */
import { stringify } from "yaml";
import type { Account, AttributeValue, SourceSchema } from "../client/types";
import { canonicalAttributeValue, type DesiredAttributeValue } from "../engine/normalize";
import { schemaAttributes } from "./schema-attributes";
import { validateGivenFields } from "../resources/account/inputs";

export interface ExportedSource {
  id: string;
  name: string;
  schema: SourceSchema | undefined;
  accounts: readonly Account[];
}

export interface ExportOptions {
  /** Only these attributes (default: every attribute of the account schema). */
  attributes?: readonly string[];
}

export interface RenderedExport {
  text: string;
  accountCount: number;
  /** Human-readable notes on what was left out, e.g. a nativeIdentity held by two accounts. */
  warnings: string[];
}

/** Account entry in the order the file shows its keys (matches the README's example). */
interface ExportedAccount {
  nativeIdentity: string;
  attributes?: Record<string, DesiredAttributeValue>;
  identityId?: string;
  enabled?: false;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Attributes the export declares: the schema's (or the requested ones, which must be in the schema),
 * without the identity attribute, which the provider fills from nativeIdentity. Throws on names the
 * schema does not have, so a typo never silently exports nothing.
 */
export function exportedAttributeNames(
  source: Pick<ExportedSource, "id" | "name" | "schema">,
  requested?: readonly string[],
): string[] {
  const schemaNames = schemaAttributes(source.schema).map((a) => a.name);
  const identity = source.schema?.identityAttribute;
  if (requested !== undefined && requested.length > 0) {
    const unknown = requested.filter((name) => !schemaNames.includes(name));
    if (unknown.length > 0) {
      throw new Error(
        `--attribute ${unknown.join(", ")}: not in the account schema of source "${source.name}" (${source.id}); ` +
          `known attributes: ${[...schemaNames].sort(byCodeUnits).join(", ")}`,
      );
    }
    return [...new Set(requested)].filter((name) => name !== identity);
  }
  return schemaNames.filter((name) => name !== identity);
}

/**
 * A tenant value as a definition writes it: absent -> null (Git then says "must stay absent"), one
 * value of a single-valued attribute -> string, otherwise a sorted list. Same canonical form as the
 * provider's diff (engine/normalize.ts), so the export is in sync by construction.
 */
function definitionValue(value: AttributeValue | undefined, multi: boolean): DesiredAttributeValue {
  const canonical = canonicalAttributeValue(value);
  if (canonical.length === 0) return null;
  if (canonical.length === 1 && !multi) return canonical[0];
  return canonical;
}

/**
 * Accounts by nativeIdentity; when ISC holds two with one nativeIdentity, the lowest id wins (and a warning says so).
 */
function uniqueAccounts(accounts: readonly Account[], warnings: string[]): Account[] {
  const groups = new Map<string, Account[]>();
  for (const account of accounts) {
    const group = groups.get(account.nativeIdentity) ?? [];
    group.push(account);
    groups.set(account.nativeIdentity, group);
  }
  const chosen: Account[] = [];
  for (const [nativeIdentity, group] of groups) {
    const sorted = [...group].sort((a, b) => byCodeUnits(a.id, b.id));
    if (sorted.length > 1) {
      warnings.push(
        `nativeIdentity ${JSON.stringify(nativeIdentity)} is held by ${sorted.length} accounts ` +
          `(${sorted.map((a) => a.id).join(", ")}); exported only ${sorted[0].id}`,
      );
    }
    chosen.push(sorted[0]);
  }
  return chosen.sort((a, b) => byCodeUnits(a.nativeIdentity, b.nativeIdentity));
}

/** Renders one source's definitions file. */
export function renderExport(source: ExportedSource, options: ExportOptions = {}): RenderedExport {
  const warnings: string[] = [];
  const names = exportedAttributeNames(source, options.attributes);
  const multiValued = new Set(
    schemaAttributes(source.schema)
      .filter((a) => a.isMulti)
      .map((a) => a.name),
  );
  const accounts: ExportedAccount[] = [];
  for (const account of uniqueAccounts(source.accounts, warnings)) {
    const entry: ExportedAccount = { nativeIdentity: account.nativeIdentity };
    if (names.length > 0) {
      entry.attributes = Object.fromEntries(
        names.map((name) => [name, definitionValue(account.attributes?.[name], multiValued.has(name))]),
      );
    }
    // Only correlation is declared: uncorrelated accounts stay "not managed" so adopting them changes nothing.
    if (account.identityId) entry.identityId = account.identityId;
    if (account.disabled) entry.enabled = false;
    // The checks `validate` and Pulumi's check run: a definition they would reject is left out, and said so.
    const failures = validateGivenFields({ ...entry });
    if (failures.length > 0) {
      warnings.push(
        `account ${JSON.stringify(account.nativeIdentity)} (id ${account.id}) left out: ` +
          `${failures.map((f) => f.reason).join("; ")}`,
      );
      continue;
    }
    accounts.push(entry);
  }
  const document = { source: source.id, defaults: { adopt: true }, accounts };
  const header =
    "# yaml-language-server: $schema=node_modules/pulumi-isc-accounts/schema/accounts.schema.json\n" +
    `# Exported by \`isc-accounts export\` from source ${JSON.stringify(source.name)}.\n` +
    "# `adopt: true` lets `pulumi up` take these existing accounts over instead of creating them.\n";
  // lineWidth 0: never fold long values, so a value's line in the file is stable.
  return { text: header + stringify(document, { lineWidth: 0 }), accountCount: accounts.length, warnings };
}

/**
 * File name for a source: its name in lowercase with anything but letters, digits, `.`, `_` and `-`
 * turned into `-` (portable on every file system), or the id when nothing is left. Names already
 * taken (two sources with names that sanitise alike) get the source id appended, then a number.
 */
export function exportFileName(source: Pick<ExportedSource, "id" | "name">, taken: ReadonlySet<string>): string {
  const base =
    source.name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/-{2,}/g, "-")
      .replace(/^[-.]+|[-.]+$/g, "") || source.id;
  const candidates = [`${base}.yaml`, `${base}-${source.id}.yaml`];
  for (const name of candidates) if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${source.id}-${n}.yaml`)) return `${base}-${source.id}-${n}.yaml`;
}
