/**
 * Pure comparison of definitions with accounts read from the tenant (no Pulumi state involved).
 * Attribute equality comes from engine/normalize.ts, so drift agrees with the provider's diff:
 * an account the provider would not change is never reported as drifted.
 */
import type { Account } from "../client/types";
import { attributeValuesEqual, managedAttributeValues, type DesiredAttributeValue } from "../engine/normalize";
import type { AccountDefinition } from "./definitions";
import { formatLocation } from "./definitions";

export type DriftStatus = "in-sync" | "drifted" | "missing" | "unmanaged";

export type DifferenceValue = DesiredAttributeValue | boolean;

export interface Difference {
  /** `attributes.<name>`, `identityId`, `manuallyCorrelated`, `enabled` or `locked`. */
  field: string;
  expected: DifferenceValue;
  actual: DifferenceValue;
}

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
}

export interface CompareOptions {
  includeUnmanaged?: boolean;
  baseUrl: string;
  now?: Date;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Differences of one existing account, in a fixed order: attributes (by name), then the flags. */
export function accountDifferences(definition: AccountDefinition, account: Account): Difference[] {
  const differences: Difference[] = [];
  for (const name of Object.keys(definition.attributes).sort(byCodeUnits)) {
    const expected = definition.attributes[name];
    const current = account.attributes?.[name];
    if (!attributeValuesEqual(expected, current)) {
      differences.push({ field: `attributes.${name}`, expected, actual: managedAttributeValues([name], account.attributes)[name] });
    }
  }
  if (definition.identityId !== undefined) {
    const actual = account.identityId ?? null;
    if (actual !== definition.identityId) differences.push({ field: "identityId", expected: definition.identityId, actual });
  }
  if (definition.manuallyCorrelated !== undefined && definition.manuallyCorrelated !== account.manuallyCorrelated) {
    differences.push({ field: "manuallyCorrelated", expected: definition.manuallyCorrelated, actual: account.manuallyCorrelated });
  }
  if (definition.enabled !== !account.disabled) {
    differences.push({ field: "enabled", expected: definition.enabled, actual: !account.disabled });
  }
  if (definition.unlock === true && account.locked) {
    differences.push({ field: "locked", expected: false, actual: true });
  }
  return differences;
}

/** Builds an entry with its keys in the documented order (docs/drift-json.md). */
function driftEntry(
  subject: { sourceId: string; nativeIdentity: string },
  accountId: string | null,
  status: DriftStatus,
  differences: Difference[],
  definedAt: string | null,
): AccountDrift {
  return { sourceId: subject.sourceId, nativeIdentity: subject.nativeIdentity, accountId, status, differences, definedAt };
}

/**
 * Matches definitions to scanned accounts by source + nativeIdentity. Only definitions on scanned
 * sources are compared. Output is sorted by source, then nativeIdentity.
 */
export function compareWithTenant(definitions: readonly AccountDefinition[], scans: readonly SourceScan[], options: CompareOptions): DriftReport {
  const entries: AccountDrift[] = [];
  for (const scan of scans) {
    const byNativeIdentity = new Map<string, Account>();
    // Sorted by id so that, should ISC ever hold two accounts with one nativeIdentity, the match is stable.
    for (const account of [...scan.accounts].sort((a, b) => byCodeUnits(a.id, b.id))) {
      if (!byNativeIdentity.has(account.nativeIdentity)) byNativeIdentity.set(account.nativeIdentity, account);
    }
    const declared = new Set<string>();
    for (const definition of definitions.filter((d) => d.sourceId === scan.sourceId)) {
      declared.add(definition.nativeIdentity);
      const account = byNativeIdentity.get(definition.nativeIdentity);
      const definedAt = formatLocation(definition.location);
      if (!account) {
        entries.push(driftEntry(definition, null, "missing", [], definedAt));
        continue;
      }
      const differences = accountDifferences(definition, account);
      entries.push(driftEntry(definition, account.id, differences.length > 0 ? "drifted" : "in-sync", differences, definedAt));
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
  };
}

export function hasDrift(report: DriftReport): boolean {
  const { drifted, missing, unmanaged } = report.summary;
  return drifted + missing + unmanaged > 0;
}
