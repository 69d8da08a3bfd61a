/** A plain ISC account as list and get calls return it, for tests that play ISC's part. */
import type { Account } from "../../provider/client/types";

export function iscAccount(
  id: string,
  sourceId: string,
  nativeIdentity: string,
  extra: Partial<Account> = {},
): Account {
  return {
    id,
    name: nativeIdentity,
    sourceId,
    sourceName: "Flat",
    identityId: null,
    attributes: {},
    authoritative: false,
    disabled: false,
    locked: false,
    nativeIdentity,
    systemAccount: false,
    uncorrelated: true,
    manuallyCorrelated: false,
    hasEntitlements: false,
    ...extra,
  };
}
