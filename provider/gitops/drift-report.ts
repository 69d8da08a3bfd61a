/**
 * Pure comparison of definitions with accounts read from the tenant (no Pulumi state involved).
 * What differs is decided by the engine's `accountDifferences`, the same function the provider's
 * plan is built from, so `drift` and `pulumi preview` cannot disagree on what differs.
 */
import type { Account } from "../client/types";
import { accountDifferences, type Difference } from "../engine/account-plan";
import { currentFromAccount } from "../resources/account/outputs";
import type { AccountDefinition } from "./definitions";
import { formatLocation } from "./definitions";

export type { Difference, DifferenceValue } from "../engine/account-plan";

export type DriftStatus = "in-sync" | "drifted" | "missing" | "unmanaged";

export interface AccountDrift {
  sourceId: string;
  nativeIdentity: string;
  /** ISC account id; null when the account is missing. */
  accountId: string | null;
  status: DriftStatus;
  differences: Difference[];
  /** `file:line` of the definition; null for unmanaged accounts. */
  definedAt: string | null;
}

export interface DriftSummary {
  managed: number;
  inSync: number;
  drifted: number;
  missing: number;
  unmanaged: number;
}

/**
 * Several accounts on one source with the same nativeIdentity: ISC should hold one, and the
 * provider can manage only one of them. Listed for every declared nativeIdentity, and for the
 * undeclared ones with `includeUnmanaged`.
 */
export interface DuplicateAccounts {
  sourceId: string;
  nativeIdentity: string;
  /** Every account with this nativeIdentity, sorted. */
  accountIds: string[];
  /** `file:line` of the definition; null when no definition declares it. */
  definedAt: string | null;
}

export interface SourceScan {
  sourceId: string;
  /** The source's display name; null when unknown (e.g. the source is gone). */
  sourceName?: string | null;
  accounts: readonly Account[];
}

/** The result of a drift run. `accounts` holds EVERY compared account, in-sync ones included. */
export interface DriftReport {
  version: 1;
  generatedAt: string;
  baseUrl: string;
  sources: Array<{ id: string; name: string | null; accountsScanned: number }>;
  summary: DriftSummary;
  accounts: AccountDrift[];
  /** Sorted by source, then nativeIdentity. */
  duplicates: DuplicateAccounts[];
}

export interface CompareOptions {
  includeUnmanaged?: boolean;
  baseUrl: string;
  now?: Date;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Builds an entry with its keys in the documented order (docs/drift-json.md). */
function driftEntry(
  subject: { sourceId: string; nativeIdentity: string },
  accountId: string | null,
  status: DriftStatus,
  differences: Difference[],
  definedAt: string | null,
): AccountDrift {
  return {
    sourceId: subject.sourceId,
    nativeIdentity: subject.nativeIdentity,
    accountId,
    status,
    differences,
    definedAt,
  };
}

/**
 * Matches definitions to scanned accounts by source + nativeIdentity. Only definitions on scanned
 * sources are compared. Output is sorted by source, then nativeIdentity.
 */
/** The scanned accounts by nativeIdentity, each list sorted by id so the match is stable. */
function accountsByNativeIdentity(accounts: readonly Account[]): Map<string, Account[]> {
  const byNativeIdentity = new Map<string, Account[]>();
  for (const account of [...accounts].sort((a, b) => byCodeUnits(a.id, b.id))) {
    const same = byNativeIdentity.get(account.nativeIdentity);
    if (same) same.push(account);
    else byNativeIdentity.set(account.nativeIdentity, [account]);
  }
  return byNativeIdentity;
}

export function compareWithTenant(
  definitions: readonly AccountDefinition[],
  scans: readonly SourceScan[],
  options: CompareOptions,
): DriftReport {
  const entries: AccountDrift[] = [];
  const duplicates: DuplicateAccounts[] = [];
  for (const scan of scans) {
    const byNativeIdentity = accountsByNativeIdentity(scan.accounts);
    const declared = new Map<string, string>();
    for (const definition of definitions.filter((d) => d.sourceId === scan.sourceId)) {
      const definedAt = formatLocation(definition.location);
      declared.set(definition.nativeIdentity, definedAt);
      const account = byNativeIdentity.get(definition.nativeIdentity)?.[0];
      if (!account) {
        entries.push(driftEntry(definition, null, "missing", [], definedAt));
        continue;
      }
      const differences = accountDifferences(definition, currentFromAccount(account));
      entries.push(
        driftEntry(definition, account.id, differences.length > 0 ? "drifted" : "in-sync", differences, definedAt),
      );
    }
    for (const [nativeIdentity, same] of byNativeIdentity) {
      const definedAt = declared.get(nativeIdentity) ?? null;
      if (same.length > 1 && (definedAt !== null || options.includeUnmanaged)) {
        duplicates.push({ sourceId: scan.sourceId, nativeIdentity, accountIds: same.map((a) => a.id), definedAt });
      }
    }
    if (options.includeUnmanaged) {
      for (const account of scan.accounts) {
        if (!declared.has(account.nativeIdentity)) entries.push(driftEntry(account, account.id, "unmanaged", [], null));
      }
    }
  }
  entries.sort(
    (a, b) =>
      byCodeUnits(a.sourceId, b.sourceId) ||
      byCodeUnits(a.nativeIdentity, b.nativeIdentity) ||
      byCodeUnits(a.accountId ?? "", b.accountId ?? ""),
  );
  duplicates.sort((a, b) => byCodeUnits(a.sourceId, b.sourceId) || byCodeUnits(a.nativeIdentity, b.nativeIdentity));
  const count = (status: DriftStatus) => entries.filter((e) => e.status === status).length;
  return {
    version: 1,
    generatedAt: (options.now ?? new Date()).toISOString(),
    baseUrl: options.baseUrl,
    sources: scans
      .map((s) => ({ id: s.sourceId, name: s.sourceName ?? null, accountsScanned: s.accounts.length }))
      .sort((a, b) => byCodeUnits(a.id, b.id)),
    summary: {
      managed: entries.length - count("unmanaged"),
      inSync: count("in-sync"),
      drifted: count("drifted"),
      missing: count("missing"),
      unmanaged: count("unmanaged"),
    },
    accounts: entries,
    duplicates,
  };
}

export function hasDrift(report: DriftReport): boolean {
  const { drifted, missing, unmanaged } = report.summary;
  return drifted + missing + unmanaged + report.duplicates.length > 0;
}
