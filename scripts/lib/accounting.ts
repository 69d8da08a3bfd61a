/**
 * After a soak: the tenant's accounts against what was declared and what state records.
 * - duplicate: two accounts with the same sourceId + nativeIdentity;
 * - orphan: an account on the tenant that state does not know (the tenant's own accounts from
 *   before the run excluded): it exists, but no Pulumi command will ever manage or delete it;
 * - missing: declared, but not on the tenant;
 * - phantom: state holds an id the tenant does not have;
 * - stray: state holds a resource that is no longer declared;
 * - drifted: declared and present, but state names another id, or attribute values differ.
 */
export interface DeclaredAccount {
  name: string;
  sourceId: string;
  nativeIdentity: string;
  attributes: Record<string, string | string[]>;
}

export interface TenantAccount {
  id: string;
  sourceId: string;
  nativeIdentity: string;
  attributes: Record<string, unknown> | null;
}

export interface TrackedResource {
  name: string;
  id: string;
}

export interface Reconciliation {
  duplicates: Array<{ sourceId: string; nativeIdentity: string; ids: string[] }>;
  orphans: TenantAccount[];
  missing: DeclaredAccount[];
  phantoms: TrackedResource[];
  strays: TrackedResource[];
  drifted: Array<{ name: string; reason: string }>;
}

export interface ReconcileInput {
  declared: readonly DeclaredAccount[];
  state: readonly TrackedResource[];
  tenant: readonly TenantAccount[];
  /** Ids of accounts the tenant had before the run. */
  preexistingIds: ReadonlySet<string>;
}

const keyOf = (sourceId: string, nativeIdentity: string) => `${sourceId}\u0000${nativeIdentity}`;

function sameValue(declared: string | string[], actual: unknown): boolean {
  if (Array.isArray(declared)) {
    if (!Array.isArray(actual)) return declared.length === 1 && actual === declared[0];
    return JSON.stringify([...declared].sort()) === JSON.stringify(actual.map(String).sort());
  }
  return actual === declared || (Array.isArray(actual) && actual.length === 1 && actual[0] === declared);
}

export function reconcile({ declared, state, tenant, preexistingIds }: ReconcileInput): Reconciliation {
  const byKey = new Map<string, TenantAccount[]>();
  for (const account of tenant) {
    const key = keyOf(account.sourceId, account.nativeIdentity);
    byKey.set(key, [...(byKey.get(key) ?? []), account]);
  }
  const tenantIds = new Set(tenant.map((a) => a.id));
  const stateIds = new Set(state.map((r) => r.id));
  const stateByName = new Map(state.map((r) => [r.name, r]));
  const declaredNames = new Set(declared.map((d) => d.name));

  const duplicates = [...byKey.values()]
    .filter((accounts) => accounts.length > 1)
    .map((accounts) => ({
      sourceId: accounts[0].sourceId,
      nativeIdentity: accounts[0].nativeIdentity,
      ids: accounts.map((a) => a.id),
    }));
  const orphans = tenant.filter((a) => !preexistingIds.has(a.id) && !stateIds.has(a.id));
  const phantoms = state.filter((r) => !tenantIds.has(r.id));
  const strays = state.filter((r) => !declaredNames.has(r.name));

  const missing: DeclaredAccount[] = [];
  const drifted: Reconciliation["drifted"] = [];
  for (const d of declared) {
    const accounts = byKey.get(keyOf(d.sourceId, d.nativeIdentity)) ?? [];
    if (accounts.length === 0) {
      missing.push(d);
      continue;
    }
    const tracked = stateByName.get(d.name);
    const account = accounts.find((a) => a.id === tracked?.id) ?? accounts[0];
    // Declared and present but not in state: counted as an orphan already.
    if (tracked && tracked.id !== account.id)
      drifted.push({ name: d.name, reason: `state has id ${tracked.id}, the tenant ${account.id}` });
    const wrong = Object.entries(d.attributes)
      .filter(([attribute, value]) => !sameValue(value, account.attributes?.[attribute]))
      .map(([attribute]) => attribute);
    if (wrong.length > 0) drifted.push({ name: d.name, reason: `attributes differ: ${wrong.join(", ")}` });
  }
  return { duplicates, orphans, missing, phantoms, strays, drifted };
}
