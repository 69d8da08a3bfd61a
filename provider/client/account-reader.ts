/**
 * Coalesced account reads. A refresh of 1 000 account resources would otherwise be 1 000 GETs
 * against a budget of 100 per 10 s; reads arriving within a short window become list calls with
 * `id in (...)` or `sourceId eq "S" and nativeIdentity in (...)`, up to 250 values each.
 */
import DataLoader from "dataloader";
import { and, chunkInValues, eq, isIn } from "./filters";
import { MAX_PAGE_SIZE, type IscClient } from "./request";
import type { Account } from "./types";

export interface AccountReaderOptions {
  /** How long to collect calls before sending a batch. Default 15 ms. */
  windowMs?: number;
  /** Most keys per batch (also split further to keep URLs short). Default 250. */
  maxBatch?: number;
}

export interface AccountReader {
  getById(id: string): Promise<Account | undefined>;
  findByNativeIdentity(sourceId: string, nativeIdentity: string): Promise<Account | undefined>;
}

interface NativeKey {
  sourceId: string;
  nativeIdentity: string;
}

export function createAccountReader(client: IscClient, options: AccountReaderOptions = {}): AccountReader {
  const windowMs = options.windowMs ?? 15;
  const maxBatchSize = Math.min(options.maxBatch ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  // No cache: callers want the state of now (refresh, polling until a change shows), not a memo.
  const loaderOptions = { cache: false, maxBatchSize, batchScheduleFn: (run: () => void) => setTimeout(run, windowMs) } as const;

  const byId = new DataLoader<string, Account | undefined>(async (ids) => {
    const found = new Map<string, Account>();
    await Promise.all(
      chunkInValues(ids).map(async (chunk) => {
        for (const account of await listMatching(client, isIn("id", chunk), chunk.length)) found.set(account.id, account);
      }),
    );
    return ids.map((id) => found.get(id));
  }, loaderOptions);

  const byNativeIdentity = new DataLoader<NativeKey, Account | undefined>(async (keys) => {
    const perSource = new Map<string, string[]>();
    for (const k of keys) perSource.set(k.sourceId, [...(perSource.get(k.sourceId) ?? []), k.nativeIdentity]);
    const found = new Map<string, Account[]>();
    await Promise.all(
      [...perSource].flatMap(([sourceId, names]) =>
        chunkInValues(names).map(async (chunk) => {
          const accounts = await listMatching(client, and(eq("sourceId", sourceId), isIn("nativeIdentity", chunk)), chunk.length);
          found.set(sourceId, [...(found.get(sourceId) ?? []), ...accounts]);
        }),
      ),
    );
    return keys.map((k) => matchNativeIdentity(found.get(k.sourceId) ?? [], k));
  }, loaderOptions);

  return {
    getById: (id) => byId.load(id),
    findByNativeIdentity: (sourceId, nativeIdentity) => byNativeIdentity.load({ sourceId, nativeIdentity }),
  };
}

/**
 * Pages through a filtered listing, stopping as soon as a page is short or every requested value
 * can have been answered (so a full batch of 250 ids costs one request, not two).
 */
async function listMatching(client: IscClient, filters: string, expectedAtMost: number): Promise<Account[]> {
  const items: Account[] = [];
  for (let offset = 0; ; ) {
    const { data } = await client.request<Account[]>("listAccounts", { query: { filters, limit: MAX_PAGE_SIZE, offset } });
    if (!Array.isArray(data)) throw new Error("ISC listAccounts did not answer with a JSON array");
    items.push(...data);
    if (data.length < MAX_PAGE_SIZE || items.length >= expectedAtMost) return items;
    offset += data.length;
  }
}

/** Exact match first; in case the tenant matched the filter case-insensitively, accept a unique case-insensitive match. */
function matchNativeIdentity(accounts: Account[], key: NativeKey): Account | undefined {
  const exact = accounts.find((a) => a.sourceId === key.sourceId && a.nativeIdentity === key.nativeIdentity);
  if (exact) return exact;
  const lower = key.nativeIdentity.toLowerCase();
  const loose = accounts.filter((a) => a.sourceId === key.sourceId && a.nativeIdentity?.toLowerCase() === lower);
  return loose.length === 1 ? loose[0] : undefined;
}

const readers = new WeakMap<IscClient, AccountReader>();

/** The shared reader of a client, so that every caller in the process batches together. */
export function accountReaderFor(client: IscClient): AccountReader {
  let reader = readers.get(client);
  if (!reader) {
    reader = createAccountReader(client);
    readers.set(client, reader);
  }
  return reader;
}
