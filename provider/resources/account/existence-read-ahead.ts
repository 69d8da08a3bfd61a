/**
 * Read-ahead for the check before a create: "does the source hold this nativeIdentity?". Absence
 * is never taken from a listing of the source (offset paging skips an account when another is
 * deleted mid-scan), so every new name is confirmed by an exact `nativeIdentity in (...)` lookup.
 * Pulumi starts creates `--parallel` at a time, so those lookups alone would batch a few names
 * each (about 2.5 at --parallel 16). But Check runs for every resource before its create, and a
 * Check with no old inputs is a resource Pulumi is about to create: its name is `expect`ed, and
 * each lookup also asks for the next expected names of its source, in Check order (the order
 * Pulumi starts creates in), as many as the creates of the last moments say will come within
 * `freshMs`. (The engine checks a resource only once a worker is free for it, pulumi/pulumi
 * step_executor.go, so in practice this reaches one or two names ahead.)
 *
 * An answer read ahead serves only the first check of its name, in any case, and only while fresh
 * (`freshMs` from when its request was sent): another resource declaring the name, a case variant,
 * or the same check polling again asks ISC as it is then. Only "no such account" is kept (a present
 * name is looked up again by its own check, so nothing here can hand out an account that was
 * deleted or changed since). A name is read ahead once.
 */
import DataLoader from "dataloader";
import type { Account } from "../../client/types";
import { hasMatches, matchNativeIdentity, type NativeKey, type NativeMatches } from "./account-match";
import type { Riders } from "./created-lookups";

export interface ExistenceReadAheadOptions {
  /** The oldest an answer read ahead may be when a check uses it, from when its request was sent. Default 10 000 ms. */
  freshMs?: number;
  /** Most names read ahead per source in one lookup. Default 200. */
  maxAhead?: number;
  /** Fewest names read ahead per lookup before the pace of creates is known. Default 8. */
  minAhead?: number;
  /** Other lookups by nativeIdentity that may ride along in the same request (see created-lookups.ts). */
  riders?: () => Riders | undefined;
  /** How the reader batches and seals lookups (see account-reader.ts). */
  batchScheduleFn?: (run: () => void) => void;
  now?: () => number;
}

export interface ExistenceReadAhead {
  /** A resource Pulumi is about to create (Check with no old inputs). */
  expect(key: NativeKey): void;
  /**
   * A check of this name begins (call it before anything else answers the check, a listing
   * included). Only the first check of a name, in any case, may use what was read ahead: a later
   * one (another resource declaring it, a case variant, the same check polling) asks ISC as it is
   * then. Returns the lookup: read ahead within `freshMs`, or asked of ISC now.
   */
  begin(key: NativeKey): () => Promise<NativeMatches>;
}

/** Every account on these sources whose nativeIdentity is one of the names (exact filters, all pages). */
export type LookupNames = (sourceIds: readonly string[], names: readonly string[]) => Promise<Account[]>;

/** Checks remembered per source to estimate the pace of creates. */
const PACE_SAMPLES = 32;
/** Read ahead what about half of `freshMs` will use: the rest is margin for a slower moment. */
const FRESHNESS_MARGIN = 0.5;

interface SourceState {
  /** Names expected to be created and not read ahead yet, in Check order. */
  upcoming: Set<string>;
  /** Lowercased names a check has begun for: nothing read ahead serves them any more. */
  claimed: Set<string>;
  /** By lowercased name: a name read ahead and found absent, with when its request was sent. */
  absentAt: Map<string, { name: string; sentAt: number }>;
  /** Names read ahead whose lookup is in flight, with when it was sent. */
  inFlight: Map<string, { sentAt: number; matches: Promise<NativeMatches> }>;
  /** When recent checks of this source asked. */
  checkedAt: number[];
}

export function createExistenceReadAhead(
  lookup: LookupNames,
  options: ExistenceReadAheadOptions = {},
): ExistenceReadAhead {
  const freshMs = options.freshMs ?? 10_000;
  const maxAhead = options.maxAhead ?? 200;
  const minAhead = Math.min(options.minAhead ?? 8, maxAhead);
  const now = options.now ?? Date.now;
  const sources = new Map<string, SourceState>();
  const stateOf = (sourceId: string): SourceState => {
    let state = sources.get(sourceId);
    if (!state) {
      state = { upcoming: new Set(), claimed: new Set(), absentAt: new Map(), inFlight: new Map(), checkedAt: [] };
      sources.set(sourceId, state);
    }
    return state;
  };

  /** How many names the checks of the next `freshMs * margin` will ask, from the pace of the last ones. */
  const aheadCount = (state: SourceState): number => {
    const times = state.checkedAt;
    if (times.length < 2) return minAhead;
    const span = Math.max(times[times.length - 1] - times[0], 1);
    const perMs = (times.length - 1) / span;
    return Math.max(minAhead, Math.min(maxAhead, Math.floor(perMs * freshMs * FRESHNESS_MARGIN)));
  };

  /** The next expected names of a source to ask along, taken off the queue (a name is read ahead once). */
  const companions = (state: SourceState, asked: ReadonlySet<string>): string[] => {
    const picked: string[] = [];
    const wanted = aheadCount(state);
    for (const name of state.upcoming) {
      if (picked.length >= wanted) break;
      state.upcoming.delete(name);
      if (!asked.has(name) && !state.claimed.has(name.toLowerCase())) picked.push(name);
    }
    return picked;
  };

  const lookupBatch = async (keys: readonly NativeKey[]): Promise<NativeMatches[]> => {
    const asked = new Map<string, Set<string>>();
    for (const k of keys) asked.set(k.sourceId, (asked.get(k.sourceId) ?? new Set()).add(k.nativeIdentity));
    const ahead = [...asked].flatMap(([sourceId, names]) =>
      companions(stateOf(sourceId), names).map((nativeIdentity) => ({ sourceId, nativeIdentity })),
    );
    let settle: (accounts: Account[]) => void = () => undefined;
    let fail: (err: unknown) => void = () => undefined;
    const answered = new Promise<Account[]>((resolve, reject) => ((settle = resolve), (fail = reject)));
    const sentAt = now();
    for (const key of ahead) {
      const matches = answered.then((accounts) => matchNativeIdentity(accounts, key));
      // A companion nobody awaits must not become an unhandled rejection.
      matches.catch(() => undefined);
      stateOf(key.sourceId).inFlight.set(key.nativeIdentity, { sentAt, matches });
    }
    const riders = options.riders?.();
    const all = [...keys, ...ahead, ...(riders?.keys ?? [])];
    try {
      // One request for every source: `sourceId in (...) and nativeIdentity in (...)` holds each key's accounts.
      const accounts = await lookup(
        [...new Set(all.map((k) => k.sourceId))],
        [...new Set(all.map((k) => k.nativeIdentity))],
      );
      riders?.answer(accounts);
      for (const key of ahead) {
        const state = stateOf(key.sourceId);
        const lower = key.nativeIdentity.toLowerCase();
        // A name whose check began meanwhile took this answer from the flight, or asked on its own.
        if (!state.claimed.has(lower) && !hasMatches(matchNativeIdentity(accounts, key)))
          state.absentAt.set(lower, { name: key.nativeIdentity, sentAt });
      }
      settle(accounts);
      return keys.map((k) => matchNativeIdentity(accounts, k));
    } catch (err) {
      riders?.giveBack();
      fail(err);
      throw err;
    } finally {
      for (const key of ahead) stateOf(key.sourceId).inFlight.delete(key.nativeIdentity);
    }
  };

  // No cache: each check wants the state of now (or a fresh answer read ahead, handed out once).
  const loader = new DataLoader<NativeKey, NativeMatches>(lookupBatch, {
    cache: false,
    ...(options.batchScheduleFn ? { batchScheduleFn: options.batchScheduleFn } : {}),
  });

  return {
    expect({ sourceId, nativeIdentity }) {
      const state = stateOf(sourceId);
      const lower = nativeIdentity.toLowerCase();
      if (!state.claimed.has(lower) && !state.absentAt.has(lower) && !state.inFlight.has(nativeIdentity))
        state.upcoming.add(nativeIdentity);
    },
    begin(key) {
      const state = stateOf(key.sourceId);
      const name = key.nativeIdentity;
      const lower = name.toLowerCase();
      state.checkedAt.push(now());
      if (state.checkedAt.length > PACE_SAMPLES) state.checkedAt.shift();
      const first = !state.claimed.has(lower);
      state.claimed.add(lower);
      state.upcoming.delete(name);
      const absent = first ? state.absentAt.get(lower) : undefined;
      state.absentAt.delete(lower);
      const flight = first ? state.inFlight.get(name) : undefined;
      return async () => {
        if (absent?.name === name && now() - absent.sentAt <= freshMs) return { exact: [], otherCase: [] };
        if (flight) {
          const matches = await flight.matches;
          // Held back (a 429's Retry-After, say), the answer may be older than a check may use.
          if (now() - flight.sentAt <= freshMs) return matches;
        }
        return loader.load(key);
      };
    },
  };
}
