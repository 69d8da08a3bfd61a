/**
 * Finding accounts this process just created. ISC answers a create with a task id, not the
 * account's id, so each create ends with a lookup by sourceId + nativeIdentity. At `--parallel P`
 * at most P creates are between their POST and that lookup; lookups sent as each task ends batch
 * a handful at a time (about 3 per request at P = 16). Here a lookup waits until every create of
 * its source that has sent its POST is waiting too (none will join later), or for `holdMs`; then
 * ONE page of the source's newest accounts (`sorters=-created`, 250) answers them all.
 *
 * Only presence is taken from that page: a lookup it does not answer goes to `exactLookup`
 * (`nativeIdentity in (...)`), so absence is never concluded from a listing.
 */
import { eq } from "../../client/filters";
import { listPages } from "../../client/paginate";
import type { Account } from "../../client/types";
import { matchNativeIdentity, type NativeMatches } from "./account-match";
import type { ListingClient } from "./account-reader";

/** One create, from before its POST until it has its account (or gave up). */
export interface PendingCreate {
  /** The accounts with this nativeIdentity, looked up together with the other creates of the source. */
  find(nativeIdentity: string): Promise<NativeMatches>;
  /** The create is over: it no longer holds back the lookups of its source. */
  release(): void;
}

export interface CreatedLookups {
  /** Call before the POST. `holdMs`: the longest its source's lookups wait for it to reach its own lookup. */
  expect(sourceId: string, holdMs: number): PendingCreate;
}

interface Waiting {
  nativeIdentity: string;
  resolve: (matches: NativeMatches) => void;
  reject: (err: unknown) => void;
}

class SourceLookups {
  /** Creates of this source that sent their POST and are not waiting for a lookup now. */
  working = 0;
  waiting: Waiting[] = [];
  timer: NodeJS.Timeout | undefined;
}

/** The first page of the source's accounts, newest first (ISC sorts accounts on `created`). */
async function newestPage(client: ListingClient, sourceId: string): Promise<Account[]> {
  const pages = listPages<Account>(client, "listAccounts", { query: { filters: eq("sourceId", sourceId), sorters: "-created" } });
  const first = await pages.next();
  await pages.return(undefined);
  return first.done ? [] : first.value.items;
}

export function createCreatedLookups(
  client: ListingClient,
  exactLookup: (sourceId: string, nativeIdentity: string) => Promise<NativeMatches>,
): CreatedLookups {
  const sources = new Map<string, SourceLookups>();
  const sourceOf = (sourceId: string) => {
    let state = sources.get(sourceId);
    if (!state) sources.set(sourceId, (state = new SourceLookups()));
    return state;
  };

  const send = (sourceId: string, state: SourceLookups) => {
    clearTimeout(state.timer);
    state.timer = undefined;
    const batch = state.waiting;
    state.waiting = [];
    if (batch.length === 0) return;
    const page = newestPage(client, sourceId);
    for (const lookup of batch) {
      page
        .then((accounts) => {
          const listed = matchNativeIdentity(accounts, { sourceId, nativeIdentity: lookup.nativeIdentity });
          return listed.exact.length > 0 ? listed : exactLookup(sourceId, lookup.nativeIdentity);
        })
        .then(lookup.resolve, lookup.reject);
    }
  };

  /** Sends as soon as no create of the source can join the batch any more, else after `holdMs`. */
  const schedule = (sourceId: string, state: SourceLookups, holdMs: number) => {
    if (state.waiting.length === 0) return;
    if (state.working === 0) send(sourceId, state);
    else state.timer ??= setTimeout(() => send(sourceId, state), holdMs);
  };

  return {
    expect(sourceId, holdMs) {
      const state = sourceOf(sourceId);
      state.working++;
      let working = true;
      const stopWorking = () => {
        if (working) state.working--;
        working = false;
      };
      return {
        find(nativeIdentity) {
          stopWorking();
          const found = new Promise<NativeMatches>((resolve, reject) => state.waiting.push({ nativeIdentity, resolve, reject }));
          schedule(sourceId, state, holdMs);
          return found;
        },
        release() {
          stopWorking();
          schedule(sourceId, state, holdMs);
        },
      };
    },
  };
}
