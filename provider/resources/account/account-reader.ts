/**
 * Coalesced account reads. A refresh of 1 000 account resources would otherwise be 1 000 GETs
 * against a budget of 100 per 10 s; reads arriving within a short window become list calls with
 * `id in (...)` or `sourceId eq "S" and nativeIdentity in (...)`, up to 250 values each.
 *
 * A batch is sealed only once its request could be sent at once (the rate-limit budget has a free
 * slot and nobody is queued for it): while 500 creates queue their POSTs, their lookups pile up
 * into a few large list calls instead of queueing as many small ones. With no pressure, a batch
 * goes after `windowMs`.
 */
import DataLoader from "dataloader";
import { and, chunkInValues, eq, isIn } from "../../client/filters";
import { firstPage, paginate } from "../../client/paginate";
import { MAX_PAGE_SIZE, type IscClient } from "../../client/request";
import type { Account } from "../../client/types";
import { matchNativeIdentity, type NativeKey, type NativeMatches } from "./account-match";
import { createCreatedLookups, type CreatedLookups } from "./created-lookups";
import { createExistenceReadAhead, type ExistenceReadAheadOptions } from "./existence-read-ahead";
import { createSourceReadAhead, type ReadAheadOptions } from "./source-read-ahead";

/** What the reader needs of the client: only its request path. */
export type ListingClient = Pick<IscClient, "request">;

/** Resolves when a list request would be sent at once: the rate budget has a free slot and nobody is queued for it. */
export type FreeSlotSignal = () => Promise<void>;

export interface AccountReaderOptions {
  /** How long to collect calls before sending a batch, at least. Default 15 ms. */
  windowMs?: number;
  /** The longest a batch waits for a free rate-limit slot before it queues like any request. Default 10 000 ms. */
  maxHoldMs?: number;
  /** Most keys per batch (also split further to keep URLs short). Default 250. */
  maxBatch?: number;
  /** For refresh reads; default: a listing serves one refresh (unused for 2 s, it is dropped). */
  refreshReadAhead?: ReadAheadOptions;
  /** For the checks before creates; default: unused for 10 s (longer than a wave of creates' tasks), it is dropped. */
  createReadAhead?: ReadAheadOptions;
  /** For the checks before creates: absence looked up ahead for the names Check said will be created. */
  existenceReadAhead?: ExistenceReadAheadOptions;
}

export interface AccountReader {
  /**
   * The account as it is now (fresh: for reads before and after writes, and polling). With
   * `gatherMs`, the read waits that long for others to share its request: updates reach their
   * reads spread out (Pulumi runs Diff one resource at a time), and waiting BEFORE a read keeps
   * it as fresh for the write built from it.
   */
  getById(id: string, gatherMs?: number): Promise<Account | undefined>;
  /**
   * The account as it is now, without a gather: joins the reads gathering for `gatherMs` (if any)
   * and seals them at once. For the read after a write whose task has finished: it should not wait,
   * and other updates' reads before their writes, which have waited already, ride along in its list.
   */
  getByIdNow(id: string, gatherMs: number): Promise<Account | undefined>;
  /** For refresh: may be answered from a read-ahead page of the source listed moments ago. */
  getForRefresh(id: string, sourceId: string): Promise<Account | undefined>;
  /** The accounts with this nativeIdentity as they are now (exact spelling, and apart: other case). */
  findByNativeIdentity(sourceId: string, nativeIdentity: string): Promise<NativeMatches>;
  /** Lookups after creates, batched per source (see created-lookups.ts). */
  created: CreatedLookups;
  /**
   * For the check before a create: the accounts with this nativeIdentity as they are now. A read-ahead
   * listing only says which accounts to look at (it may be minutes old, and a later page may hold more):
   * when it lists one, the name is asked of ISC again and its case variants are read by id. Absence is
   * always asked of ISC by nativeIdentity, batched and read ahead for the names Check expects (see
   * source-read-ahead.ts and existence-read-ahead.ts).
   */
  findExisting(sourceId: string, nativeIdentity: string): Promise<NativeMatches>;
  /** From Check: Pulumi is about to create this account (its absence is looked up with others). */
  expectCreate(sourceId: string, nativeIdentity: string): void;
  /** Call before changing an account, so that no later answer predates the change. */
  forget(id: string): void;
}

export function createAccountReader(
  client: ListingClient,
  freeSlot: FreeSlotSignal,
  options: AccountReaderOptions = {},
): AccountReader {
  const windowMs = options.windowMs ?? 15;
  const maxHoldMs = options.maxHoldMs ?? 10_000;
  const maxBatchSize = Math.min(options.maxBatch ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  /** Gathers for `gatherMs`, then sends once the budget has a free slot; the function returned ends the gather. */
  const sealWhenSendable = (run: () => void, gatherMs = windowMs): (() => void) => {
    let sealed = false;
    const seal = () => {
      if (sealed) return;
      sealed = true;
      clearTimeout(gather);
      let hold: NodeJS.Timeout | undefined;
      const held = new Promise<void>((resolve) => (hold = setTimeout(resolve, maxHoldMs)));
      void Promise.race([freeSlot(), held]).then(() => {
        clearTimeout(hold);
        run();
      });
    };
    const gather = setTimeout(seal, gatherMs);
    return seal;
  };
  // No cache: callers want the state of now (refresh, polling until a change shows), not a memo.
  const loaderOptions = {
    cache: false,
    maxBatchSize,
    batchScheduleFn: (run: () => void) => void sealWhenSendable(run),
  } as const;

  const readByIds = async (ids: readonly string[]) => {
    const found = new Map<string, Account>();
    await Promise.all(
      chunkInValues(ids).map(async (chunk) => {
        for (const account of await listMatching(client, isIn("id", chunk), chunk.length))
          found.set(account.id, account);
      }),
    );
    return ids.map((id) => found.get(id));
  };
  const byId = new DataLoader<string, Account | undefined>(readByIds, loaderOptions);
  // Reads that may wait a little for others (see getById's gatherMs), one loader per wait, with
  // the early seal of the batch it is gathering (a batch sealed but not yet sent still takes reads).
  const gatheredById = new Map<number, { loader: DataLoader<string, Account | undefined>; seal: () => void }>();
  const gathered = (gatherMs: number) => {
    let entry = gatheredById.get(gatherMs);
    if (!entry) {
      const created = {
        seal: () => {},
        loader: new DataLoader<string, Account | undefined>(readByIds, {
          ...loaderOptions,
          batchScheduleFn: (run) => (created.seal = sealWhenSendable(run, gatherMs)),
        }),
      };
      gatheredById.set(gatherMs, created);
      entry = created;
    }
    return entry;
  };

  // One request serves every source: what it returns beyond the asked pairs is left unmatched.
  const lookupNames = async (sourceIds: readonly string[], names: readonly string[]) => {
    // Sources take at most ~1 KB of the URL, so that names keep their share (chunkInValues' 6 KB).
    const sourceChunks = chunkInValues(sourceIds, { maxValues: MAX_PAGE_SIZE, maxEncodedChars: 1_000 });
    const pages = await Promise.all(
      sourceChunks.flatMap((sources) => {
        const onSources = sources.length === 1 ? eq("sourceId", sources[0]) : isIn("sourceId", sources);
        return chunkInValues(names).map((chunk) => inOnePage(client, onSources, chunk));
      }),
    );
    return pages.flat();
  };
  const byNativeIdentity = new DataLoader<NativeKey, NativeMatches>(async (keys) => {
    const accounts = await lookupNames(
      [...new Set(keys.map((k) => k.sourceId))],
      keys.map((k) => k.nativeIdentity),
    );
    return keys.map((k) => matchNativeIdentity(accounts, k));
  }, loaderOptions);

  // Two listings, so that the checks of a later `up` never extend the life of a refresh's pages.
  // A page per quarter of --parallel reads: refresh reads come in state order, not id order, so
  // early reads outrun the pages; at most 4 pages for what reading by id costs one list of --parallel ids.
  const refreshAhead = createSourceReadAhead(client, {
    idleMs: 2_000,
    readsPerPage: (parallel) => parallel / 4,
    ...options.refreshReadAhead,
  });
  // A create listing serves a whole `up` (it is trusted for presence and case variants only), not 30 s.
  const createAhead = createSourceReadAhead(client, { idleMs: 10_000, maxAgeMs: 600_000, ...options.createReadAhead });
  const getById = (id: string, gatherMs?: number) =>
    (gatherMs !== undefined && gatherMs > windowMs ? gathered(gatherMs).loader : byId).load(id);
  const getByIdNow = (id: string, gatherMs: number) => {
    if (!(gatherMs > windowMs)) return byId.load(id);
    const batch = gathered(gatherMs);
    const read = batch.loader.load(id);
    batch.seal();
    return read;
  };
  const findByNativeIdentity = (sourceId: string, nativeIdentity: string) =>
    byNativeIdentity.load({ sourceId, nativeIdentity });
  // Checks before creates whose batch waits to be sealed: lookups after create wait to ride along with them.
  let checksToSeal = 0;
  const created = createCreatedLookups(client, findByNativeIdentity, () => checksToSeal > 0);
  const existence = createExistenceReadAhead(lookupNames, {
    batchScheduleFn: (run) => {
      checksToSeal++;
      sealWhenSendable(() => {
        checksToSeal--;
        run();
      });
    },
    riders: created.rideAlong,
    ...options.existenceReadAhead,
  });
  return {
    getById,
    getByIdNow,
    getForRefresh: (id, sourceId) => refreshAhead.read(id, sourceId, (read) => getById(read)),
    findByNativeIdentity,
    created,
    findExisting: async (sourceId, nativeIdentity) => {
      // Begun before the listing may answer: a name the listing shows present is claimed all the same.
      const lookUp = existence.begin({ sourceId, nativeIdentity });
      let asked = false;
      const listed = await createAhead.findByNativeIdentity(sourceId, nativeIdentity, () => {
        asked = true;
        return lookUp();
      });
      if (asked) return listed;
      // Listed: what those accounts hold now (their data feeds the takeover decision and the PUT), and every
      // account of this exact name (the listing's pages may have moved on, or not reached one yet).
      const [named, variants] = await Promise.all([
        findByNativeIdentity(sourceId, nativeIdentity),
        Promise.all(listed.otherCase.map((account) => byId.load(account.id))),
      ]);
      const now = new Map<string, Account>();
      for (const account of [...named.exact, ...named.otherCase, ...variants])
        if (account) now.set(account.id, account);
      return matchNativeIdentity(now.values(), { sourceId, nativeIdentity });
    },
    expectCreate: (sourceId, nativeIdentity) => existence.expect({ sourceId, nativeIdentity }),
    forget: (id) => {
      refreshAhead.forget(id);
      createAhead.forget(id);
    },
  };
}

/**
 * A filtered listing. With `expectedAtMost` (ids: each matches at most one account) it ends as soon
 * as every value can have been answered, so a full batch of 250 ids costs one request, not two.
 */
function listMatching(client: ListingClient, filters: string, expectedAtMost?: number): Promise<Account[]> {
  return paginate<Account>(client, "listAccounts", {
    query: { filters },
    stopWhen: expectedAtMost === undefined ? undefined : (items) => items.length >= expectedAtMost,
  });
}

/**
 * The accounts on these sources whose nativeIdentity is one of `names`, from answers of one page
 * each: absence is taken from these answers, and a second page at an offset would skip an account
 * when another is deleted between the pages. A full first page is asked again in halves; a single
 * name with more accounts than a page (duplicates on a tenant that does not merge) is read in pages.
 */
async function inOnePage(client: ListingClient, onSources: string, names: readonly string[]): Promise<Account[]> {
  const filters = and(onSources, isIn("nativeIdentity", names));
  if (names.length === 1) return listMatching(client, filters);
  const first = await firstPage<Account>(client, "listAccounts", { query: { filters } });
  if (first.last) return first.items;
  const half = Math.ceil(names.length / 2);
  const halves = await Promise.all([
    inOnePage(client, onSources, names.slice(0, half)),
    inOnePage(client, onSources, names.slice(half)),
  ]);
  return halves.flat();
}

const readers = new WeakMap<IscClient, AccountReader>();

/** The shared reader of a client, so that every caller in the process batches together. */
export function accountReaderFor(client: IscClient): AccountReader {
  let reader = readers.get(client);
  if (!reader) {
    reader = createAccountReader(client, () => client.whenIdle("listAccounts"));
    readers.set(client, reader);
  }
  return reader;
}
