/**
 * The one shape create, update and read all return, so that a refresh right after an apply sees
 * exactly the same outputs. Only meaningful, stable fields: no `modified`, no volatile counters.
 */
import type { Account, Entitlement } from "../../client/types";
import type { CurrentAccount } from "../../engine/account-plan";
import { managedAttributeValues, type DesiredAttributeValue } from "../../engine/normalize";
import { ECHOED_SETTINGS, type AccountFieldValue, type KeptInStateFieldName } from "./fields";

export { ECHOED_SETTINGS } from "./fields";

export interface EntitlementSummary {
  id: string;
  name: string | null;
  attribute: string | null;
  value: string | null;
}

/** Settings kept from the inputs because read and delete only receive stored outputs. */
export type EchoedSettings = { [K in KeptInStateFieldName]?: AccountFieldValue<K> };

export interface AccountOutputs extends EchoedSettings {
  accountId: string;
  sourceId: string;
  sourceName: string | null;
  nativeIdentity: string;
  name: string | null;
  /** Current values of the managed attributes (null when absent on the account). */
  attributes: Record<string, DesiredAttributeValue>;
  identityId: string | null;
  manuallyCorrelated: boolean;
  uncorrelated: boolean;
  enabled: boolean;
  disabled: boolean;
  locked: boolean;
  hasEntitlements: boolean;
  origin: string | null;
  created: string | null;
  entitlements?: EntitlementSummary[];
}

export function summarizeEntitlements(entitlements: readonly Entitlement[]): EntitlementSummary[] {
  return entitlements
    .map((e) => ({ id: e.id ?? "", name: e.name ?? null, attribute: e.attribute ?? null, value: e.value ?? null }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function accountOutputs(
  account: Account,
  managedAttributeNames: Iterable<string>,
  settings: Readonly<Record<string, unknown>>,
  entitlements?: readonly Entitlement[],
): AccountOutputs {
  const outputs: AccountOutputs = {
    accountId: account.id,
    sourceId: account.sourceId,
    sourceName: account.sourceName ?? null,
    nativeIdentity: account.nativeIdentity,
    name: account.name ?? null,
    attributes: managedAttributeValues(managedAttributeNames, account.attributes),
    identityId: account.identityId ?? null,
    manuallyCorrelated: account.manuallyCorrelated === true,
    uncorrelated: account.uncorrelated === true,
    enabled: !account.disabled,
    disabled: account.disabled === true,
    locked: account.locked === true,
    hasEntitlements: account.hasEntitlements === true,
    origin: account.origin ?? null,
    created: account.created ?? null,
  };
  for (const key of ECHOED_SETTINGS) {
    const value = settings[key];
    if (value !== undefined && value !== null) (outputs as unknown as Record<string, unknown>)[key] = value;
  }
  if (entitlements) outputs.entitlements = summarizeEntitlements(entitlements);
  return outputs;
}

/** The diff engine's view of an account read from ISC. */
export function currentFromAccount(account: Account): CurrentAccount {
  return {
    id: account.id,
    attributes: { ...(account.attributes ?? {}) },
    identityId: account.identityId ?? null,
    manuallyCorrelated: account.manuallyCorrelated === true,
    disabled: account.disabled === true,
    locked: account.locked === true,
  };
}

/** The diff engine's view of stored outputs (for preview, which makes no API call). */
export function currentFromOutputs(outputs: Readonly<Record<string, unknown>>): CurrentAccount {
  return {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a stored accountId is a string
    id: String(outputs.accountId ?? ""),
    attributes: { ...((outputs.attributes as Record<string, DesiredAttributeValue> | undefined) ?? {}) },
    identityId: (outputs.identityId as string | null | undefined) ?? null,
    manuallyCorrelated: outputs.manuallyCorrelated === true,
    disabled: outputs.disabled === true,
    locked: outputs.locked === true,
  };
}
