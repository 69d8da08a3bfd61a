/**
 * Finding accounts this process just created. ISC answers a create with a task id, not the
 * account's id, so each create ends with a lookup by sourceId + nativeIdentity. At `--parallel P`
 * at most P creates are between their POST and that lookup; lookups sent as each task ends batch
 * a handful at a time (about 3 per request at P = 16). Here a lookup waits until every create that
 * has sent its POST is waiting too (none will join later), or for `holdMs`; then ONE page of the
 * newest accounts of their sources (`sourceId in (...)`, `sorters=-created`, 250) answers them all.
 *
 * Only presence is taken from that page: a lookup it does not answer goes to `exactLookup`
 * (`nativeIdentity in (...)`), so absence is never concluded from a listing. And when a check
 * before another create is about to look names up, the waiting lookups ride along in its
 * `nativeIdentity in (...)` (`rideAlong`): one request answers both.
 */
import { eq, isIn } from "../../client/filters";
import { firstPage } from "../../client/paginate";
import type { Account } from "../../client/types";
import { matchNativeIdentity, type NativeKey, type NativeMatches } from "./account-match";
import type { ListingClient } from "./account-reader";

/** One create, from before its POST until it has its account (or gave up). */
export interface PendingCreate {
  /** The accounts with this nativeIdentity on the create's source, looked up together with the other creates. */
  find(nativeIdentity: string): Promise<NativeMatches>;
  /** The create is over: it no longer holds back the others' lookups. */
  release(): void;
}

export interface CreatedLookups {
  /** Call before the POST. `holdMs`: the longest the others' lookups wait for this create to reach its own. */
  expect(sourceId: string, holdMs: number): PendingCreate;
  /**
   * Lets a lookup by nativeIdentity that is about to be sent (the checks before creates) carry the
   * creates waiting here: they are answered by it, not by a page of their own.
   */
  rideAlong(this: void): Riders | undefined;
}

/** Waiting lookups taken along by another request: give them its accounts, or hand them back. */
export interface Riders {
  keys: NativeKey[];
  answer(accounts: readonly Account[]): void;
  /** The request failed: they wait again for a lookup of their own. */
  giveBack(): void;
}

interface Waiting {
  key: NativeKey;
  resolve: (matches: NativeMatches) => void;
  reject: (err: unknown) => void;
}

/** The first page of the accounts of these sources, newest first (ISC sorts accounts on `created`). */
async function newestPage(client: ListingClient, sourceIds: readonly string[]): Promise<Account[]> {
  const filters = sourceIds.length === 1 ? eq("sourceId", sourceIds[0]) : isIn("sourceId", sourceIds);
  return (await firstPage<Account>(client, "listAccounts", { query: { filters, sorters: "-created" } })).items;
}

export function createCreatedLookups(
  client: ListingClient,
  exactLookup: (sourceId: string, nativeIdentity: string) => Promise<NativeMatches>,
  /** True while checks before creates wait to be sent: the lookups here then ride along with them (rideAlong). */
  checksPending: () => boolean = () => false,
): CreatedLookups {
  /** Creates that sent their POST and are not waiting for a lookup now. */
  let working = 0;
  let waiting: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;

  const send = () => {
    clearTimeout(timer);
    timer = undefined;
    // A check that will be sent anyway takes these along (rideAlong): one request instead of two.
    if (waiting.length === 0 || checksPending()) return;
    const batch = waiting;
    waiting = [];
    const page = newestPage(client, [...new Set(batch.map((w) => w.key.sourceId))]);
    for (const { key, resolve, reject } of batch) {
      page
        .then((accounts) => {
          const listed = matchNativeIdentity(accounts, key);
          return listed.exact.length > 0 ? listed : exactLookup(key.sourceId, key.nativeIdentity);
        })
        .then(resolve, reject);
    }
  };

  /** Sends as soon as no create can join the batch any more, else after `holdMs`. */
  const schedule = (holdMs: number) => {
    if (waiting.length === 0) return;
    if (working === 0) send();
    else timer ??= setTimeout(send, holdMs);
  };

  let lastHoldMs = 0;
  return {
    rideAlong() {
      const riding = waiting;
      if (riding.length === 0) return undefined;
      waiting = [];
      clearTimeout(timer);
      timer = undefined;
      return {
        keys: riding.map((w) => w.key),
        // An exact `nativeIdentity in (...)` answer: what it lacks is not visible yet, and the create polls again.
        answer: (accounts) => riding.forEach((w) => w.resolve(matchNativeIdentity(accounts, w.key))),
        giveBack: () => {
          waiting.push(...riding);
          schedule(lastHoldMs);
        },
      };
    },
    expect(sourceId, holdMs) {
      lastHoldMs = holdMs;
      working++;
      let isWorking = true;
      const stopWorking = () => {
        if (isWorking) working--;
        isWorking = false;
      };
      return {
        find(nativeIdentity) {
          stopWorking();
          const found = new Promise<NativeMatches>((resolve, reject) =>
            waiting.push({ key: { sourceId, nativeIdentity }, resolve, reject }),
          );
          schedule(holdMs);
          return found;
        },
        release() {
          stopWorking();
          schedule(holdMs);
        },
      };
    },
  };
}
