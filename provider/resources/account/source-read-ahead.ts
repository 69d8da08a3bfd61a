/**
 * Read-ahead for refresh and for the checks before creates. A refresh reads every account of a
 * stack, but Pulumi only has `--parallel` reads in flight at a time (4 per CPU by default), so
 * coalescing alone cannot make list calls of more than ~16 ids: 1 000 accounts would still cost
 * ~60 requests.
 * Reading the source's accounts page by page (250 a call, sorted by id) answers them all in
 * ceil(size/250) calls.
 *
 * A source may hold far more accounts than the stack manages, so the read-ahead is rationed like
 * ski rental: it may fetch one page per `readsPerPage` reads asked of that source (the first read
 * allows the first page). It therefore never costs more than about one extra request per batch of
 * reads, and on a source the stack manages mostly, it replaces almost all of them.
 *
 * Pulumi reads in state order (creation order) but ISC's ids are random, so an early read's id
 * often lies pages beyond the ration. Such a read (its id sorts after the last id the pages have
 * reached, so a later page can hold it) waits, "parked", for the ration to grow as more reads
 * arrive, instead of costing a by-id list of its own. With only `--parallel` reads in flight,
 * every read may end up parked: then nothing can grow the ration, and after `stallMs` without
 * progress all parked reads go by id together, in one list (each read also waits at most
 * `maxParkMs`). Worst case, a source the stack barely uses: ceil(reads / readsPerPage) pages, plus
 * the by-id lists the reads would have cost anyway (parking only makes those lists larger). Refresh
 * takes a page per quarter of `--parallel` reads (account-reader.ts): at most 4 pages for each list
 * of `--parallel` ids that reading by id would cost at best.
 *
 * What the pages say is trusted only for accounts they contain, never for absence: an id not found
 * is read by id, so a deletion is never concluded from a listing; a nativeIdentity not found (the
 * check before a create) is looked up in ISC, batched. Offset paging skips an account when another
 * one is deleted mid-scan, and a listing is stale once someone else creates: "absent" from it could
 * send a POST that upserts someone's account. The pages do answer presence, and case variants
 * (which an exact `nativeIdentity in (...)` lookup cannot see). Writes through this process call
 * `forget`. A scan older than `maxAgeMs`, or unused for `idleMs`, is started afresh. (Pulumi runs
 * every command in a new plugin process, so a scan never serves two commands there; these bound
 * what a long-lived process could see.)
 */
import { eq } from "../../client/filters";
import { listPages, type Page } from "../../client/paginate";
import type { Account } from "../../client/types";
import { hasMatches, matchNativeIdentity, type NativeMatches } from "./account-match";
import type { ListingClient } from "./account-reader";
import { createStallWatch } from "./stall-watch";

export interface ReadAheadOptions {
  /**
   * One page of read-ahead per this many reads of a source, or a function of the most reads seen in
   * flight at once (Pulumi's `--parallel`, which bounds how many ids a by-id list can batch).
   * Default 16 (Pulumi's default --parallel on 4 CPUs).
   */
  readsPerPage?: number | ((mostReadsInFlight: number) => number);
  /** A source's scan is started again when it is older than this. Default 30 000 ms. */
  maxAgeMs?: number;
  /** ... or when no read has asked it for this long. Default: no limit. */
  idleMs?: number;
  /**
   * Reads by id beyond the pages and the ration wait for the ration to grow; when every read in
   * flight has waited this long with no page, no by-id list and no new read, they go by id together.
   * Default 100 ms (longer than Pulumi takes between one Read's answer and the next Read).
   */
  stallMs?: number;
  /** The longest one read waits parked (a bound, should a stall go unseen). Default 10 000 ms. */
  maxParkMs?: number;
}

export interface SourceReadAhead {
  /** The account as listed by a recent page of its source, else as read by `fallback`. */
  read(
    id: string,
    sourceId: string,
    fallback: (id: string) => Promise<Account | undefined>,
  ): Promise<Account | undefined>;
  /**
   * The accounts with this nativeIdentity (exactly, or in another case) per a listing of its
   * source, else as found by `fallback`.
   */
  findByNativeIdentity(
    sourceId: string,
    nativeIdentity: string,
    fallback: (sourceId: string, nativeIdentity: string) => Promise<NativeMatches>,
  ): Promise<NativeMatches>;
  /** Call before changing an account: drops what the pages said about it. */
  forget(id: string): void;
}

class SourceScan {
  readonly startedAt = Date.now();
  lastAsked = Date.now();
  readonly accounts = new Map<string, Account>();
  /** The same accounts by lowercased nativeIdentity. */
  readonly byName = new Map<string, Account[]>();
  reads = 0;
  pages = 0;
  /** The source's listing, sorted by id, read a page at a time as the ration allows. */
  listing: AsyncIterator<Page<Account>> | undefined;
  /** Every page has been read (or reading failed: then everything goes by id). */
  done = false;
  inFlight: Promise<void> | undefined;
  /** The last id the pages have reached (the listing is sorted by id): a later page can hold only ids after it. */
  frontier: string | undefined;
  /** Wakes the reads parked on this source: the ration grew or a page landed. */
  readonly parked = new Set<() => void>();
}

function remember(scan: SourceScan, account: Account): void {
  scan.accounts.set(account.id, account);
  const name = (account.nativeIdentity ?? "").toLowerCase();
  scan.byName.set(name, [...(scan.byName.get(name) ?? []), account]);
}

function drop(scan: SourceScan, id: string): void {
  const account = scan.accounts.get(id);
  if (!account) return;
  scan.accounts.delete(id);
  const name = (account.nativeIdentity ?? "").toLowerCase();
  scan.byName.set(
    name,
    (scan.byName.get(name) ?? []).filter((a) => a.id !== id),
  );
}

export function createSourceReadAhead(client: ListingClient, options: ReadAheadOptions = {}): SourceReadAhead {
  const readsPerPage = options.readsPerPage ?? 16;
  const maxAgeMs = options.maxAgeMs ?? 30_000;
  const idleMs = options.idleMs ?? Infinity;
  const stallMs = options.stallMs ?? 100;
  const maxParkMs = options.maxParkMs ?? 10_000;
  const scans = new Map<string, SourceScan>();
  const flow = createStallWatch(stallMs);
  /** Reads per page of read-ahead (below 1: several pages per read). */
  const ration = (): number => {
    const reads = typeof readsPerPage === "number" ? readsPerPage : readsPerPage(flow.mostReadsInFlight());
    return reads > 0 ? reads : 1;
  };

  const scanOf = (sourceId: string): SourceScan => {
    let scan = scans.get(sourceId);
    const now = Date.now();
    if (!scan || (!scan.inFlight && (now - scan.startedAt > maxAgeMs || now - scan.lastAsked > idleMs))) {
      scan = new SourceScan();
      scans.set(sourceId, scan);
    }
    return scan;
  };

  const wakeParked = (scan: SourceScan): void => {
    for (const wake of [...scan.parked]) wake();
  };

  const fetchPage = async (scan: SourceScan, sourceId: string): Promise<void> => {
    scan.pages++;
    try {
      scan.listing ??= listPages<Account>(client, "listAccounts", {
        query: { filters: eq("sourceId", sourceId), sorters: "id" },
        count: true,
      });
      const next = await scan.listing.next();
      const items = next.done ? [] : next.value.items;
      for (const account of items) remember(scan, account);
      if (items.length > 0) scan.frontier = items[items.length - 1].id;
      if (next.done || next.value.last) scan.done = true;
    } catch {
      // Read-ahead is an optimisation: when it fails, reads go by id and report their own errors.
      scan.done = true;
    }
  };

  const startPage = (scan: SourceScan, sourceId: string): void => {
    scan.inFlight = flow.track(fetchPage(scan, sourceId)).finally(() => {
      scan.inFlight = undefined;
      wakeParked(scan);
    });
  };

  /** Until the ration grows or a page lands (true), or the reads stall or the wait is up (false). */
  const park = (scan: SourceScan): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      const end = (woken: boolean) => {
        scan.parked.delete(wake);
        clearTimeout(timer);
        flow.unpark(release);
        resolve(woken);
      };
      const wake = () => end(true);
      const release = () => end(false);
      const timer = setTimeout(release, maxParkMs);
      scan.parked.add(wake);
      flow.park(release);
    });

  const mayReadPage = (scan: SourceScan): boolean => scan.pages < Math.ceil(scan.reads / ration());

  /**
   * Waits for pages while the ration allows them, until `answer` has one; else asks `fallback`.
   * `answer` returns undefined when the pages so far cannot tell. With `laterPageMayHold`, a read
   * that a page not yet read may answer waits (parked) for the ration to allow that page, and one
   * that no later page can answer goes to `fallback` at once.
   */
  const consult = async <T>(
    sourceId: string,
    answer: (scan: SourceScan) => { value: T } | undefined,
    fallback: () => Promise<T>,
    laterPageMayHold?: (scan: SourceScan) => boolean,
  ): Promise<T> => {
    const scan = scanOf(sourceId);
    scan.reads++;
    scan.lastAsked = Date.now();
    // One more read may allow one more page: the reads waiting for it may go on.
    if (!scan.inFlight && mayReadPage(scan)) wakeParked(scan);
    return flow.during(async () => {
      for (;;) {
        const known = answer(scan);
        if (known) return known.value;
        if (scan.inFlight) {
          await scan.inFlight;
          continue;
        }
        if (scan.done || (laterPageMayHold && !laterPageMayHold(scan))) break;
        if (mayReadPage(scan)) {
          startPage(scan, sourceId);
          continue;
        }
        if (!laterPageMayHold || !(await park(scan))) break;
      }
      return flow.track(fallback());
    });
  };

  return {
    read: (id, sourceId, fallback) =>
      consult(
        sourceId,
        (scan) => {
          const listed = scan.accounts.get(id);
          return listed ? { value: listed } : undefined;
        },
        () => fallback(id),
        // The pages are sorted by id: an id up to the frontier can be on no later page, so it is read
        // by id (absence is never taken from a listing). Should ISC order ids otherwise, this costs
        // requests, never a wrong answer.
        (scan) => scan.frontier === undefined || id > scan.frontier,
      ),
    findByNativeIdentity: (sourceId, nativeIdentity, fallback) =>
      consult(
        sourceId,
        (scan) => {
          const listed = matchNativeIdentity(scan.byName.get(nativeIdentity.toLowerCase()) ?? [], {
            sourceId,
            nativeIdentity,
          });
          // Presence (or a case variant) is taken from the pages; absence never is (see the header).
          return hasMatches(listed) ? { value: listed } : undefined;
        },
        () => fallback(sourceId, nativeIdentity),
      ),
    forget(id) {
      for (const scan of scans.values()) drop(scan, id);
    },
  };
}
