/** Internal records of the simulated tenant (what the API views are built from). */
import type { AttributeDefinitionType } from "../provider/client/types";
import type { TenantSettings } from "./types";

export const DELIMITED_FILE = "DelimitedFile";

export interface AttributeSpec {
  name: string;
  type: AttributeDefinitionType;
  isMulti: boolean;
  isEntitlement: boolean;
  isGroup: boolean;
  description: string;
}

export interface SourceRecord {
  id: string;
  name: string;
  description: string;
  type: string;
  identityAttribute: string;
  displayAttribute: string;
  attributes: AttributeSpec[];
  ownerIdentityId: string | null;
  created: string;
  modified: string;
}

export interface IdentityRecord {
  id: string;
  name: string;
}

export interface ClientRecord {
  clientId: string;
  clientSecret: string;
  readOnly: boolean;
}

/** Stored attribute values: one string, or a list for multi-valued attributes. Absent keys mean "no value". */
export type StoredAttributeValue = string | string[];
export type StoredAttributes = Record<string, StoredAttributeValue>;

export interface AccountRecord {
  id: string;
  sourceId: string;
  nativeIdentity: string;
  attributes: StoredAttributes;
  identityId: string | null;
  manuallyCorrelated: boolean;
  disabled: boolean;
  locked: boolean;
  origin: "AGGREGATED" | "PROVISIONED";
  created: string;
  modified: string;
}

export interface TenantData {
  clients: ClientRecord[];
  sources: SourceRecord[];
  identities: IdentityRecord[];
  accounts: AccountRecord[];
  settings: TenantSettings;
}

/** ISC's documented behaviour as far as it goes: exact matching, and a create for an existing account updates it. */
export const DEFAULT_TENANT_SETTINGS: Readonly<TenantSettings> = {
  nativeIdentityCase: "sensitive",
  duplicateCreates: false,
};

export function isEntitlementAttribute(spec: AttributeSpec): boolean {
  return spec.isEntitlement || spec.isGroup;
}
