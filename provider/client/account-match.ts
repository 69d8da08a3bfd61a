/** Matching an account to the sourceId + nativeIdentity it was asked for. */
import type { Account } from "./types";

export interface NativeKey {
  sourceId: string;
  nativeIdentity: string;
}

/** Exact match first; in case the tenant matched the filter case-insensitively, accept a unique case-insensitive match. */
export function matchNativeIdentity(accounts: Iterable<Account>, key: NativeKey): Account | undefined {
  const onSource = [...accounts].filter((a) => a.sourceId === key.sourceId);
  const exact = onSource.find((a) => a.nativeIdentity === key.nativeIdentity);
  if (exact) return exact;
  const lower = key.nativeIdentity.toLowerCase();
  const loose = onSource.filter((a) => a.nativeIdentity?.toLowerCase() === lower);
  return loose.length === 1 ? loose[0] : undefined;
}
