/**
 * `isc-accounts check-csv`: what aggregating a CSV would do to the accounts Git manages on a source.
 * An account aggregation makes the source hold what the file holds, so a declared account missing
 * from the file would be removed, and a declared attribute whose value differs would be overwritten
 * (a declared attribute without a column in the file counts as empty). Rows no definition declares
 * are reported but are not harmful. Pure: no I/O. Format: docs/check-csv-json.md.
 */
import { attributeValuesEqual, type DesiredAttributeValue } from "../engine/normalize";
import type { AccountDefinition } from "./definitions";
import { formatLocation } from "./definitions";
import type { CsvLayout, ParsedCsvAccount } from "./aggregation-csv";
import { alignedTable, escapedCell } from "./text-table";

export type CsvCheckStatus = "matches" | "differs" | "missing" | "undeclared";

export interface CsvDifference {
  /** `attributes.<name>`. */
  field: string;
  /** The definition's value. */
  expected: DesiredAttributeValue;
  /** The file's value: null (empty or no column), a string, or a list for several values. */
  actual: DesiredAttributeValue;
}

export interface CsvCheckEntry {
  nativeIdentity: string;
  status: CsvCheckStatus;
  differences: CsvDifference[];
  /** `file:line` of the definition; null for `undeclared`. */
  definedAt: string | null;
  /** Spreadsheet rows of the account in the CSV (header = row 1); empty for `missing`. */
  rows: number[];
}

export interface CsvCheckSummary {
  declared: number;
  matching: number;
  differing: number;
  missing: number;
  undeclared: number;
}

export interface CsvCheckReport {
  version: 1;
  generatedAt: string;
  sourceId: string;
  /** The CSV as named on the command line. */
  file: string;
  /** Accounts (not rows) read from the file. */
  accountsInFile: number;
  summary: CsvCheckSummary;
  /** Every compared account, sorted by nativeIdentity (code-unit order). */
  accounts: CsvCheckEntry[];
}

export interface CsvCheckOptions {
  sourceId: string;
  file: string;
  now?: Date;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fileValue(values: readonly string[] | undefined): DesiredAttributeValue {
  if (values === undefined || values.length === 0) return null;
  return values.length === 1 ? values[0] : [...values].sort(byCodeUnits);
}

function differencesOf(definition: AccountDefinition, account: ParsedCsvAccount, layout: CsvLayout): CsvDifference[] {
  const differences: CsvDifference[] = [];
  for (const name of Object.keys(definition.attributes).sort(byCodeUnits)) {
    // The identity attribute is the match key: it equals nativeIdentity by the provider's checks.
    if (name === layout.identityAttribute) continue;
    const expected = definition.attributes[name];
    const actual = fileValue(account.values[name]);
    if (!attributeValuesEqual(expected, actual)) differences.push({ field: `attributes.${name}`, expected, actual });
  }
  return differences;
}

/** Compares the definitions of `options.sourceId` with the accounts read from the file. */
export function checkCsvAgainstDefinitions(
  definitions: readonly AccountDefinition[],
  fileAccounts: readonly ParsedCsvAccount[],
  layout: CsvLayout,
  options: CsvCheckOptions,
): CsvCheckReport {
  const inFile = new Map(fileAccounts.map((a) => [a.nativeIdentity, a]));
  const declared = new Set<string>();
  const entries: CsvCheckEntry[] = [];
  for (const definition of definitions.filter((d) => d.sourceId === options.sourceId)) {
    declared.add(definition.nativeIdentity);
    const definedAt = formatLocation(definition.location);
    const account = inFile.get(definition.nativeIdentity);
    if (!account) {
      entries.push({
        nativeIdentity: definition.nativeIdentity,
        status: "missing",
        differences: [],
        definedAt,
        rows: [],
      });
      continue;
    }
    const differences = differencesOf(definition, account, layout);
    entries.push({
      nativeIdentity: definition.nativeIdentity,
      status: differences.length > 0 ? "differs" : "matches",
      differences,
      definedAt,
      rows: account.rows,
    });
  }
  for (const account of fileAccounts) {
    if (!declared.has(account.nativeIdentity)) {
      entries.push({
        nativeIdentity: account.nativeIdentity,
        status: "undeclared",
        differences: [],
        definedAt: null,
        rows: account.rows,
      });
    }
  }
  entries.sort((a, b) => byCodeUnits(a.nativeIdentity, b.nativeIdentity));
  const count = (status: CsvCheckStatus) => entries.filter((e) => e.status === status).length;
  return {
    version: 1,
    generatedAt: (options.now ?? new Date()).toISOString(),
    sourceId: options.sourceId,
    file: options.file,
    accountsInFile: fileAccounts.length,
    summary: {
      declared: declared.size,
      matching: count("matches"),
      differing: count("differs"),
      missing: count("missing"),
      undeclared: count("undeclared"),
    },
    accounts: entries,
  };
}

/** Whether aggregating the file would remove or overwrite something Git manages. */
export function isHarmful(report: CsvCheckReport): boolean {
  return report.summary.missing + report.summary.differing > 0;
}

export interface CsvCheckRenderOptions {
  /** Also list accounts that match (by default only those needing attention). */
  includeMatching?: boolean;
}

function listed(report: CsvCheckReport, options: CsvCheckRenderOptions): CsvCheckEntry[] {
  return options.includeMatching ? report.accounts : report.accounts.filter((a) => a.status !== "matches");
}

/** The `--json` document (version 1); the summary always counts every account. */
export function csvCheckReportJson(report: CsvCheckReport, options: CsvCheckRenderOptions = {}): string {
  return `${JSON.stringify({ ...report, accounts: listed(report, options) }, null, 2)}\n`;
}

/** One row per difference (one row for accounts without differences), columns aligned. */
export function formatCsvCheckTable(report: CsvCheckReport, options: CsvCheckRenderOptions = {}): string {
  const header = ["NATIVE IDENTITY", "STATUS", "FIELD", "IN GIT", "IN FILE", "DEFINED AT", "CSV ROWS"];
  const rows: string[][] = [];
  for (const entry of listed(report, options)) {
    const identity = escapedCell(entry.nativeIdentity);
    const definedAt = entry.definedAt ?? "-";
    const csvRows = entry.rows.length > 0 ? entry.rows.join(",") : "-";
    if (entry.differences.length === 0) {
      rows.push([identity, entry.status, "-", "-", "-", definedAt, csvRows]);
      continue;
    }
    for (const d of entry.differences)
      rows.push([
        identity,
        entry.status,
        d.field,
        JSON.stringify(d.expected),
        JSON.stringify(d.actual),
        definedAt,
        csvRows,
      ]);
  }
  return alignedTable(header, rows);
}

export function csvCheckSummaryLine(report: CsvCheckReport): string {
  const { declared, matching, differing, missing, undeclared } = report.summary;
  const scope =
    `${declared} declared account${declared === 1 ? "" : "s"} on source ${report.sourceId}, ` +
    `${report.accountsInFile} in ${report.file}`;
  if (!isHarmful(report)) {
    return `Safe to aggregate: no declared account would be removed or changed (${scope}; ${undeclared} undeclared).`;
  }
  return (
    `Harmful: aggregating would remove ${missing} and overwrite ${differing} declared ` +
    `account${missing + differing === 1 ? "" : "s"} (${scope}; ${matching} match, ${undeclared} undeclared).`
  );
}
