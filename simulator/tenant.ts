/**
 * The simulated tenant's data with the indexes the API needs (by id, by source + nativeIdentity, by
 * source), plus ISC's eventual consistency: an account can be stored but not yet visible (just
 * created) or gone but still visible (just deleted).
 *
 * How nativeIdentity is matched (exactly, or ignoring case) and whether it is unique on a source
 * are the tenant's settings (TenantSettings in types.ts); every lookup here follows them.
 */
import {
  DEFAULT_TENANT_SETTINGS,
  type AccountRecord,
  type ClientRecord,
  type IdentityRecord,
  type SourceRecord,
  type TenantData,
} from "./model";
import type { TenantSettings } from "./types";

/** Values a filter pins, so a listing can start from an index instead of every account. */
export interface AccountNarrowing {
  ids?: readonly string[];
  sourceIds?: readonly string[];
  nativeIdentities?: readonly string[];
}

export class TenantStore {
  private clients = new Map<string, ClientRecord>();
  private sources = new Map<string, SourceRecord>();
  private identities = new Map<string, IdentityRecord>();
  private accounts = new Map<string, AccountRecord>();
  private sequence = new Map<string, number>();
  private nextSequence = 0;
  /**
   * Ids by source + nativeIdentity (folded per the settings), in creation order; several only with duplicateCreates.
   */
  private idsByNative = new Map<string, string[]>();
  private currentSettings: TenantSettings = { ...DEFAULT_TENANT_SETTINGS };
  private idsBySource = new Map<string, Set<string>>();
  /** Stored accounts that the API must not show before this time (ms since epoch). */
  private hiddenUntil = new Map<string, number>();
  /** Deleted accounts that the API still shows until `until`. */
  private ghosts = new Map<string, { record: AccountRecord; until: number }>();

  constructor(data: TenantData) {
    this.load(data);
  }

  load(data: TenantData): void {
    this.currentSettings = { ...data.settings };
    this.clients = new Map(data.clients.map((client) => [client.clientId, client]));
    this.sources = new Map(data.sources.map((source) => [source.id, source]));
    this.identities = new Map(data.identities.map((identity) => [identity.id, identity]));
    this.accounts.clear();
    this.sequence.clear();
    this.idsByNative.clear();
    this.idsBySource = new Map(data.sources.map((source) => [source.id, new Set<string>()]));
    this.hiddenUntil.clear();
    this.ghosts.clear();
    this.nextSequence = 0;
    for (const account of data.accounts) this.addAccount(account);
  }

  get settings(): Readonly<TenantSettings> {
    return this.currentSettings;
  }

  /** The form of a nativeIdentity that the tenant compares: itself, or lowercased on a case-insensitive tenant. */
  foldNativeIdentity(nativeIdentity: string): string {
    return this.currentSettings.nativeIdentityCase === "insensitive" ? nativeIdentity.toLowerCase() : nativeIdentity;
  }

  private nativeKey(sourceId: string, nativeIdentity: string): string {
    return `${sourceId}\u0000${this.foldNativeIdentity(nativeIdentity)}`;
  }

  client(clientId: string): ClientRecord | undefined {
    return this.clients.get(clientId);
  }

  clientList(): ClientRecord[] {
    return [...this.clients.values()];
  }

  source(id: string): SourceRecord | undefined {
    return this.sources.get(id);
  }

  sourceList(): SourceRecord[] {
    return [...this.sources.values()];
  }

  identity(id: string): IdentityRecord | undefined {
    return this.identities.get(id);
  }

  identityList(): IdentityRecord[] {
    return [...this.identities.values()];
  }

  /** The stored account, whatever the API would show right now. */
  account(id: string): AccountRecord | undefined {
    return this.accounts.get(id);
  }

  /** The first stored account the tenant matches to this nativeIdentity (per its case setting). */
  accountByNativeIdentity(sourceId: string, nativeIdentity: string): AccountRecord | undefined {
    const [id] = this.idsByNative.get(this.nativeKey(sourceId, nativeIdentity)) ?? [];
    return id === undefined ? undefined : this.accounts.get(id);
  }

  storedAccounts(sourceId?: string): AccountRecord[] {
    if (sourceId === undefined) return [...this.accounts.values()];
    return [...(this.idsBySource.get(sourceId) ?? [])].map((id) => this.accounts.get(id) as AccountRecord);
  }

  /** The account as the API sees it at `now` (honours creation and deletion visibility delays). */
  visibleAccount(id: string, now: number): AccountRecord | undefined {
    const stored = this.accounts.get(id);
    if (stored) return this.isHidden(id, now) ? undefined : stored;
    const ghost = this.ghosts.get(id);
    if (!ghost) return undefined;
    if (ghost.until > now) return ghost.record;
    this.dropGhost(id);
    return undefined;
  }

  /** Every account the API sees at `now`, in creation order; `narrowing` lets a filter start from an index. */
  visibleAccounts(now: number, narrowing: AccountNarrowing = {}): AccountRecord[] {
    this.purgeGhosts(now);
    let candidates: Iterable<string>;
    if (narrowing.ids) {
      candidates = narrowing.ids;
    } else if (narrowing.nativeIdentities) {
      const sourceIds = narrowing.sourceIds ?? [...this.sources.keys()];
      const natives = narrowing.nativeIdentities;
      candidates = sourceIds.flatMap((sourceId) =>
        natives.flatMap((nativeIdentity) => this.idsByNative.get(this.nativeKey(sourceId, nativeIdentity)) ?? []),
      );
    } else if (narrowing.sourceIds) {
      candidates = narrowing.sourceIds.flatMap((sourceId) => [...(this.idsBySource.get(sourceId) ?? [])]);
    } else {
      candidates = this.accounts.keys();
    }
    const result: AccountRecord[] = [];
    const seen = new Set<string>();
    for (const id of candidates) {
      if (seen.has(id)) continue;
      seen.add(id);
      const stored = this.accounts.get(id);
      if (stored && !this.isHidden(id, now)) result.push(stored);
    }
    for (const [id, ghost] of this.ghosts) {
      const wanted =
        (narrowing.ids === undefined || narrowing.ids.includes(id)) &&
        (narrowing.sourceIds === undefined || narrowing.sourceIds.includes(ghost.record.sourceId)) &&
        (narrowing.nativeIdentities === undefined ||
          narrowing.nativeIdentities.some(
            (n) => this.foldNativeIdentity(n) === this.foldNativeIdentity(ghost.record.nativeIdentity),
          ));
      if (wanted && !seen.has(id)) result.push(ghost.record);
    }
    if (
      narrowing.ids ||
      narrowing.nativeIdentities ||
      (narrowing.sourceIds && narrowing.sourceIds.length > 1) ||
      this.ghosts.size > 0
    ) {
      result.sort((a, b) => (this.sequence.get(a.id) ?? 0) - (this.sequence.get(b.id) ?? 0));
    }
    return result;
  }

  /** Stores a new account; with `visibleFrom`, the API does not show it before that time. */
  addAccount(record: AccountRecord, visibleFrom?: number): void {
    const key = this.nativeKey(record.sourceId, record.nativeIdentity);
    if (this.accounts.has(record.id)) throw new Error(`account id ${record.id} already exists`);
    const sameNative = this.idsByNative.get(key) ?? [];
    if (sameNative.length > 0 && !this.currentSettings.duplicateCreates) {
      throw new Error(`account ${record.nativeIdentity} already exists on source ${record.sourceId}`);
    }
    this.accounts.set(record.id, record);
    this.sequence.set(record.id, this.nextSequence++);
    this.idsByNative.set(key, [...sameNative, record.id]);
    let bySource = this.idsBySource.get(record.sourceId);
    if (!bySource) {
      bySource = new Set();
      this.idsBySource.set(record.sourceId, bySource);
    }
    bySource.add(record.id);
    if (visibleFrom !== undefined) this.hiddenUntil.set(record.id, visibleFrom);
  }

  /** Replaces a stored account by one with the same id, source and nativeIdentity. */
  replaceAccount(record: AccountRecord): void {
    const current = this.accounts.get(record.id);
    if (!current) throw new Error(`account ${record.id} does not exist`);
    if (current.sourceId !== record.sourceId || current.nativeIdentity !== record.nativeIdentity) {
      throw new Error("an account's source and nativeIdentity cannot change");
    }
    this.accounts.set(record.id, record);
  }

  /** Removes an account; with `visibleUntil`, the API keeps showing it until then. */
  removeAccount(id: string, visibleUntil?: number): boolean {
    const record = this.accounts.get(id);
    if (!record) return false;
    const wasVisible = !this.isHidden(id, Date.now());
    this.accounts.delete(id);
    const key = this.nativeKey(record.sourceId, record.nativeIdentity);
    const remaining = (this.idsByNative.get(key) ?? []).filter((other) => other !== id);
    if (remaining.length > 0) this.idsByNative.set(key, remaining);
    else this.idsByNative.delete(key);
    this.idsBySource.get(record.sourceId)?.delete(id);
    this.hiddenUntil.delete(id);
    if (visibleUntil !== undefined && wasVisible && visibleUntil > Date.now()) {
      this.ghosts.set(id, { record, until: visibleUntil });
    } else {
      this.sequence.delete(id);
    }
    return true;
  }

  private isHidden(id: string, now: number): boolean {
    const until = this.hiddenUntil.get(id);
    if (until === undefined) return false;
    if (until > now) return true;
    this.hiddenUntil.delete(id);
    return false;
  }

  private purgeGhosts(now: number): void {
    for (const [id, ghost] of this.ghosts) if (ghost.until <= now) this.dropGhost(id);
  }

  private dropGhost(id: string): void {
    this.ghosts.delete(id);
    if (!this.accounts.has(id)) this.sequence.delete(id);
  }
}
