/**
 * Renderings of a DriftReport: the documented JSON format (docs/drift-json.md) and the human table.
 */
import type { AccountDrift, DifferenceValue, DriftReport } from "./drift-report";
import { alignedTable, escapedCell } from "./text-table";

export interface RenderOptions {
  /** List in-sync accounts too (by default only accounts that need attention are listed). */
  includeInSync?: boolean;
}

function listedAccounts(report: DriftReport, options: RenderOptions): AccountDrift[] {
  return options.includeInSync ? report.accounts : report.accounts.filter((a) => a.status !== "in-sync");
}

/** The `--json` document (version 1); the summary always counts every account. */
export function driftReportJson(report: DriftReport, options: RenderOptions = {}): string {
  return `${JSON.stringify({ ...report, accounts: listedAccounts(report, options) }, null, 2)}\n`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function driftSummaryLine(report: DriftReport): string {
  const { managed, inSync, drifted, missing, unmanaged } = report.summary;
  const duplicates = report.duplicates.length;
  const scope = `${plural(managed, "managed account")} on ${plural(report.sources.length, "source")}`;
  if (drifted + missing + unmanaged + duplicates === 0) {
    return `No drift: ${scope} ${managed === 1 ? "matches" : "match"} the definitions.`;
  }
  const duplicated = duplicates > 0 ? `, ${duplicates} duplicated nativeIdentit${duplicates === 1 ? "y" : "ies"}` : "";
  return (
    `Drift: ${drifted} drifted, ${missing} missing, ${unmanaged} unmanaged, ${inSync} in sync${duplicated} ` +
    `(${scope})`
  );
}

/** JSON text keeps strings, lists, booleans and null distinguishable (`"true"` vs `true`). */
function renderValue(value: DifferenceValue): string {
  return JSON.stringify(value);
}

/** The source as every other output names it: by name (the id when the name is unknown; `--json` has both). */
function sourceCell(report: DriftReport, sourceId: string): string {
  return escapedCell(report.sources.find((s) => s.id === sourceId)?.name ?? sourceId);
}

/** Where the account is defined, `file:line` as the user gave the directory (openable from a CI log). */
function definedAtCell(account: Pick<AccountDrift, "definedAt">): string {
  return account.definedAt === null ? "-" : escapedCell(account.definedAt);
}

/**
 * One row per difference (one row for accounts without field differences), columns aligned; each
 * row names the source and where the account is defined.
 */
export function formatDriftTable(report: DriftReport, options: RenderOptions = {}): string {
  const header = ["SOURCE", "NATIVE IDENTITY", "STATUS", "DEFINED AT", "FIELD", "EXPECTED", "ACTUAL"];
  const rows: string[][] = [];
  for (const account of [...listedAccounts(report, options), ...duplicateEntries(report)]) {
    const identity = escapedCell(account.nativeIdentity);
    if (account.differences.length === 0) {
      rows.push([
        sourceCell(report, account.sourceId),
        identity,
        account.status,
        definedAtCell(account),
        "-",
        "-",
        "-",
      ]);
      continue;
    }
    for (const d of account.differences) {
      const values = [d.field, renderValue(d.expected), renderValue(d.actual)];
      rows.push([sourceCell(report, account.sourceId), identity, account.status, definedAtCell(account), ...values]);
    }
  }
  return alignedTable(header, rows);
}

/** Table rows only: a nativeIdentity held by several accounts, expected on one, every id shown. */
function duplicateEntries(report: DriftReport): Array<Omit<AccountDrift, "status"> & { status: "duplicate" }> {
  return report.duplicates.map((d) => ({
    sourceId: d.sourceId,
    nativeIdentity: d.nativeIdentity,
    accountId: null,
    status: "duplicate",
    differences: [{ field: "accountId", expected: "one account", actual: d.accountIds.join(", ") }],
    definedAt: d.definedAt,
  }));
}
