/** API views (response bodies) of tenant records, shaped like the contract's Account, Source, Schema, Entitlement. */
import type { Account, AttributeDefinition, Entitlement, Source, SourceSchema } from "../provider/client/types";
import { accountDisplayName, cloneAttributes } from "./attributes";
import { derivedHexId } from "./ids";
import { DELIMITED_FILE, isEntitlementAttribute, type AccountRecord, type SourceRecord } from "./model";
import type { TenantStore } from "./tenant";

interface ConnectorTraits {
  connector: string;
  connectorClass: string;
  connectorName: string;
  connectionType: string;
  features: string[];
}

function connectorTraits(source: SourceRecord): ConnectorTraits {
  if (source.type === DELIMITED_FILE) {
    return {
      connector: "delimited-file",
      connectorClass: "sailpoint.connector.DelimitedFileConnector",
      connectorName: "Delimited File",
      connectionType: "file",
      features: ["DIRECT_PERMISSIONS", "NO_RANDOM_ACCESS", "DISCOVER_SCHEMA"],
    };
  }
  const slug = source.type
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return {
    connector: slug,
    connectorClass: `sailpoint.connector.${source.type.replace(/[^A-Za-z0-9]/g, "")}Connector`,
    connectorName: source.type,
    connectionType: "direct",
    features: ["AUTHENTICATE", "ENABLE", "PROVISIONING", "SEARCH", "UNLOCK"],
  };
}

export function accountSchemaId(source: SourceRecord): string {
  return derivedHexId(source.id, "schema", "account");
}

export function groupSchemaId(source: SourceRecord): string {
  return derivedHexId(source.id, "schema", "group");
}

function hasGroupSchema(source: SourceRecord): boolean {
  return source.attributes.some((attribute) => attribute.isGroup);
}

export function accountHasEntitlements(source: SourceRecord, record: AccountRecord): boolean {
  return source.attributes.some((spec) => isEntitlementAttribute(spec) && record.attributes[spec.name] !== undefined);
}

export function accountView(tenant: TenantStore, record: AccountRecord): Account {
  const source = tenant.source(record.sourceId);
  if (!source) throw new Error(`account ${record.id} refers to missing source ${record.sourceId}`);
  const identity = record.identityId === null ? undefined : tenant.identity(record.identityId);
  const owner = source.ownerIdentityId === null ? undefined : tenant.identity(source.ownerIdentityId);
  const traits = connectorTraits(source);
  // identityId is a non-nullable string in the contract, so an uncorrelated account leaves it out.
  return {
    id: record.id,
    name: accountDisplayName(source, record.attributes, record.nativeIdentity),
    created: record.created,
    modified: record.modified,
    sourceId: source.id,
    sourceName: source.name,
    ...(record.identityId === null ? {} : { identityId: record.identityId }),
    cloudLifecycleState: null,
    identityState: null,
    connectionType: traits.connectionType,
    isMachine: false,
    attributes: cloneAttributes(record.attributes),
    authoritative: false,
    disabled: record.disabled,
    locked: record.locked,
    nativeIdentity: record.nativeIdentity,
    systemAccount: false,
    uncorrelated: record.identityId === null,
    uuid: null,
    manuallyCorrelated: record.manuallyCorrelated,
    hasEntitlements: accountHasEntitlements(source, record),
    ...(identity ? { identity: { id: identity.id, name: identity.name, type: "IDENTITY" } } : {}),
    sourceOwner: owner ? { id: owner.id, name: owner.name, type: "IDENTITY" } : null,
    features: traits.features.join(", "),
    origin: record.origin,
  };
}

export function sourceView(tenant: TenantStore, source: SourceRecord): Source & Record<string, unknown> {
  const owner = source.ownerIdentityId === null ? undefined : tenant.identity(source.ownerIdentityId);
  const traits = connectorTraits(source);
  const schemas = [{ type: "CONNECTOR_SCHEMA", id: accountSchemaId(source), name: "account" }];
  if (hasGroupSchema(source)) schemas.push({ type: "CONNECTOR_SCHEMA", id: groupSchemaId(source), name: "group" });
  return {
    id: source.id,
    name: source.name,
    description: source.description,
    owner: owner ? { type: "IDENTITY", id: owner.id, name: owner.name } : null,
    cluster: null,
    accountCorrelationConfig: null,
    accountCorrelationRule: null,
    managerCorrelationRule: null,
    beforeProvisioningRule: null,
    schemas,
    passwordPolicies: null,
    features: traits.features,
    type: source.type,
    connector: traits.connector,
    connectorClass: traits.connectorClass,
    connectorAttributes: {},
    deleteThreshold: 10,
    authoritative: false,
    managementWorkgroup: null,
    healthy: true,
    status: "SOURCE_STATE_HEALTHY",
    since: source.created,
    connectorId: traits.connector,
    connectorName: traits.connectorName,
    connectionType: traits.connectionType,
    connectorImplementationId: traits.connector,
    created: source.created,
    modified: source.modified,
    credentialProviderEnabled: false,
    category: null,
  };
}

function attributeDefinitions(source: SourceRecord): AttributeDefinition[] {
  return source.attributes.map((spec) => ({
    name: spec.name,
    nativeName: spec.name,
    type: spec.type,
    ...(spec.isGroup
      ? { schema: { type: "CONNECTOR_SCHEMA" as const, id: groupSchemaId(source), name: "group" } }
      : {}),
    description: spec.description,
    isMulti: spec.isMulti,
    isEntitlement: spec.isEntitlement,
    isGroup: spec.isGroup,
  }));
}

/** The source's schemas: "account" always, "group" when an attribute is a group attribute. */
export function schemaViews(source: SourceRecord): SourceSchema[] {
  const common = {
    includePermissions: false,
    features: [],
    configuration: {},
    created: source.created,
    modified: source.modified,
  };
  const schemas: SourceSchema[] = [
    {
      id: accountSchemaId(source),
      name: "account",
      nativeObjectType: "account",
      identityAttribute: source.identityAttribute,
      displayAttribute: source.displayAttribute,
      attributes: attributeDefinitions(source),
      ...common,
    },
  ];
  if (hasGroupSchema(source)) {
    schemas.push({
      id: groupSchemaId(source),
      name: "group",
      nativeObjectType: "group",
      identityAttribute: "id",
      displayAttribute: "name",
      attributes: ["id", "name", "description"].map((name) => ({
        name,
        nativeName: name,
        type: "STRING" as const,
        description: "",
        isMulti: false,
        isEntitlement: false,
        isGroup: false,
      })),
      ...common,
    });
  }
  return schemas;
}

/** One entitlement per value of each entitlement/group attribute of the account. */
export function entitlementViews(
  source: SourceRecord,
  record: AccountRecord,
): Array<Entitlement & Record<string, unknown>> {
  const result: Array<Entitlement & Record<string, unknown>> = [];
  for (const spec of source.attributes) {
    if (!isEntitlementAttribute(spec)) continue;
    const stored = record.attributes[spec.name];
    if (stored === undefined) continue;
    for (const value of Array.isArray(stored) ? stored : [stored]) {
      result.push({
        id: derivedHexId(source.id, "entitlement", spec.name, value),
        name: value,
        attribute: spec.name,
        value,
        sourceSchemaObjectType: spec.isGroup ? "group" : "account",
        privileged: false,
        cloudGoverned: false,
        requestable: true,
        owner: null,
        source: { id: source.id, type: "SOURCE", name: source.name },
        attributes: {},
        created: record.created,
        modified: record.modified,
        segments: [],
        directPermissions: [],
      });
    }
  }
  return result;
}
