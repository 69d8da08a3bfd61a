/**
 * Renderings of a DriftReport: the documented JSON format (docs/drift-json.md) and the human table.
 */
import type { AccountDrift, DifferenceValue, DriftReport } from "./drift-report";

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
  const scope = `${plural(managed, "managed account")} on ${plural(report.sources.length, "source")}`;
  if (drifted + missing + unmanaged === 0) {
    return `No drift: ${scope} ${managed === 1 ? "matches" : "match"} the definitions.`;
  }
  return `Drift: ${drifted} drifted, ${missing} missing, ${unmanaged} unmanaged, ${inSync} in sync (${scope})`;
}

/** JSON text keeps strings, lists, booleans and null distinguishable (`"true"` vs `true`). */
function renderValue(value: DifferenceValue): string {
  return JSON.stringify(value);
}

/** A cell never breaks the table: control characters are escaped as in JSON. */
function cell(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/**
 * One row per difference (one row for accounts without field differences), columns aligned. The
 * source is shown by name, as everywhere else (its id is in `--json`), and each row says where the
 * account is defined (`file:line`, openable from a terminal or CI log).
 */
export function formatDriftTable(report: DriftReport, options: RenderOptions = {}): string {
  const header = ["SOURCE", "NATIVE IDENTITY", "STATUS", "DEFINED AT", "FIELD", "EXPECTED", "ACTUAL"];
  const sourceNames = new Map(report.sources.map((s) => [s.id, s.name ?? s.id]));
  const rows: string[][] = [];
  for (const account of listedAccounts(report, options)) {
    const source = cell(sourceNames.get(account.sourceId) ?? account.sourceId);
    const identity = cell(account.nativeIdentity);
    const definedAt = account.definedAt === null ? "-" : cell(account.definedAt);
    if (account.differences.length === 0) {
      rows.push([source, identity, account.status, definedAt, "-", "-", "-"]);
      continue;
    }
    for (const d of account.differences) {
      rows.push([source, identity, account.status, definedAt, d.field, renderValue(d.expected), renderValue(d.actual)]);
    }
  }
  if (rows.length === 0) return "";
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}
