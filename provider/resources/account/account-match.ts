/**
 * Matching the accounts a source holds to the nativeIdentity an Account declares. Only an exact
 * match is ever used (adopt, the check before a create, the lookup after it): ISC does not document
 * whether its `nativeIdentity eq` and uniqueness ignore case, so an account that differs only in
 * case may be someone else's. Such accounts are returned apart, so the caller can name them.
 */
import type { Account } from "../../client/types";

export interface NativeKey {
  sourceId: string;
  nativeIdentity: string;
}

/** What a source holds for one nativeIdentity. */
export interface NativeMatches {
  /** Spelled exactly as asked: more than one only on a tenant that does not merge creates. */
  exact: Account[];
  /** Differing only in case (a case-insensitive tenant's filter, or a listing, returns them). */
  otherCase: Account[];
}

export const NO_MATCHES: Readonly<NativeMatches> = Object.freeze({ exact: [], otherCase: [] });

export function matchNativeIdentity(accounts: Iterable<Account>, key: NativeKey): NativeMatches {
  const lower = key.nativeIdentity.toLowerCase();
  const exact: Account[] = [];
  const otherCase: Account[] = [];
  for (const account of accounts) {
    if (account.sourceId !== key.sourceId) continue;
    if (account.nativeIdentity === key.nativeIdentity) exact.push(account);
    else if (account.nativeIdentity?.toLowerCase() === lower) otherCase.push(account);
  }
  return { exact, otherCase };
}

export function hasMatches(matches: NativeMatches): boolean {
  return matches.exact.length > 0 || matches.otherCase.length > 0;
}
