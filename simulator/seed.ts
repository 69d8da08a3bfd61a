/**
 * Seed data: the demo tenant, and validation/normalisation of any SeedData into tenant records
 * (ids generated where absent, attribute values stored per the source schema).
 */
import { AttributeValueError, normalizeAttributeSet } from "./attributes";
import { randomHexId } from "./ids";
import {
  DEFAULT_TENANT_SETTINGS,
  DELIMITED_FILE,
  type AccountRecord,
  type AttributeSpec,
  type ClientRecord,
  type IdentityRecord,
  type SourceRecord,
  type TenantData,
} from "./model";
import type { AdminAccountInput, SeedClient, SeedData, SeedSource, TenantSettings } from "./types";

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SeedError";
  }
}

/** Fixed ids of the demo tenant, so docs and examples can name them. */
export const DEMO_IDS = {
  hrSource: "5f0a1c9e3b7d4e2a8c6f0b1d2e3f4a51",
  contractorsSource: "5f0a1c9e3b7d4e2a8c6f0b1d2e3f4a52",
  identities: {
    adaLovelace: "1de0c0ffee0000000000000000000001",
    graceHopper: "1de0c0ffee0000000000000000000002",
    alanTuring: "1de0c0ffee0000000000000000000003",
    katherineJohnson: "1de0c0ffee0000000000000000000004",
    margaretHamilton: "1de0c0ffee0000000000000000000005",
  },
  accounts: {
    hrAda: "acc0c0ffee0000000000000000000001",
    hrGrace: "acc0c0ffee0000000000000000000002",
    contractorAlan: "acc0c0ffee0000000000000000000003",
  },
} as const;

export const DEMO_CLIENT = { clientId: "sim-client-id", clientSecret: "sim-client-secret" } as const;

/** The demo tenant: one API client, two DelimitedFile sources, five identities, three accounts. */
export function demoSeed(): SeedData {
  const ids = DEMO_IDS.identities;
  return {
    clients: [{ ...DEMO_CLIENT }],
    sources: [
      {
        id: DEMO_IDS.hrSource,
        name: "HR Flat File",
        type: DELIMITED_FILE,
        description: "Employees, loaded from the HR export",
        identityAttribute: "id",
        displayAttribute: "displayName",
        ownerId: ids.adaLovelace,
        attributes: [
          { name: "id", type: "STRING" },
          { name: "displayName", type: "STRING" },
          { name: "email", type: "STRING" },
          { name: "department", type: "STRING" },
          { name: "groups", type: "STRING", isMulti: true, isEntitlement: true, isGroup: true },
        ],
      },
      {
        id: DEMO_IDS.contractorsSource,
        name: "Contractors CSV",
        type: DELIMITED_FILE,
        description: "Contractors, maintained by procurement",
        identityAttribute: "login",
        displayAttribute: "displayName",
        ownerId: ids.graceHopper,
        attributes: [
          { name: "login", type: "STRING" },
          { name: "displayName", type: "STRING" },
          { name: "email", type: "STRING" },
          { name: "company", type: "STRING" },
          { name: "groups", type: "STRING", isMulti: true, isEntitlement: true, isGroup: true },
        ],
      },
    ],
    identities: [
      { id: ids.adaLovelace, name: "Ada Lovelace" },
      { id: ids.graceHopper, name: "Grace Hopper" },
      { id: ids.alanTuring, name: "Alan Turing" },
      { id: ids.katherineJohnson, name: "Katherine Johnson" },
      { id: ids.margaretHamilton, name: "Margaret Hamilton" },
    ],
    accounts: [
      {
        id: DEMO_IDS.accounts.hrAda,
        sourceId: DEMO_IDS.hrSource,
        nativeIdentity: "E1001",
        attributes: {
          displayName: "Ada Lovelace",
          email: "ada@example.com",
          department: "Engineering",
          groups: ["engineering", "admins"],
        },
        identityId: ids.adaLovelace,
      },
      {
        id: DEMO_IDS.accounts.hrGrace,
        sourceId: DEMO_IDS.hrSource,
        nativeIdentity: "E1002",
        attributes: { displayName: "Grace Hopper", email: "grace@example.com", department: "Research" },
        identityId: ids.graceHopper,
      },
      {
        id: DEMO_IDS.accounts.contractorAlan,
        sourceId: DEMO_IDS.contractorsSource,
        nativeIdentity: "alan.t",
        attributes: { displayName: "Alan T.", email: "alan.t@contractor.example", company: "Bletchley Ltd" },
        identityId: null,
      },
    ],
  };
}

function normalizeSource(input: SeedSource, ownerFallback: string | null, now: string): SourceRecord {
  if (!input || typeof input.name !== "string" || input.name === "") throw new SeedError("every source needs a name");
  if (typeof input.identityAttribute !== "string" || input.identityAttribute === "") {
    throw new SeedError(`source "${input.name}" needs an identityAttribute`);
  }
  const displayAttribute = input.displayAttribute || input.identityAttribute;
  const attributes: AttributeSpec[] = (input.attributes ?? []).map((attribute) => {
    if (!attribute || typeof attribute.name !== "string" || attribute.name === "") {
      throw new SeedError(`source "${input.name}": every attribute needs a name`);
    }
    return {
      name: attribute.name,
      type: attribute.type ?? "STRING",
      isMulti: attribute.isMulti === true,
      isEntitlement: attribute.isEntitlement === true,
      isGroup: attribute.isGroup === true,
      description: attribute.description ?? "",
    };
  });
  for (const required of new Set([input.identityAttribute, displayAttribute])) {
    if (!attributes.some((attribute) => attribute.name === required)) {
      attributes.unshift({
        name: required,
        type: "STRING",
        isMulti: false,
        isEntitlement: false,
        isGroup: false,
        description: "",
      });
    }
  }
  const names = new Set<string>();
  for (const attribute of attributes) {
    if (names.has(attribute.name))
      throw new SeedError(`source "${input.name}": attribute "${attribute.name}" is defined twice`);
    names.add(attribute.name);
  }
  return {
    id: input.id ?? randomHexId(),
    name: input.name,
    description: input.description ?? "",
    type: input.type ?? DELIMITED_FILE,
    identityAttribute: input.identityAttribute,
    displayAttribute,
    attributes,
    ownerIdentityId: input.ownerId ?? ownerFallback,
    created: now,
    modified: now,
  };
}

/**
 * An account record from seed/admin input. Throws SeedError for an unknown identity, a missing
 * native identity or a bad attribute value.
 */
export function accountFromInput(
  source: SourceRecord,
  input: Omit<AdminAccountInput, "sourceId">,
  identityExists: (id: string) => boolean,
  now: string,
  origin: AccountRecord["origin"] = "AGGREGATED",
): AccountRecord {
  let attributes;
  try {
    attributes = normalizeAttributeSet(source, input.attributes ?? {}, "scalars");
  } catch (error) {
    if (error instanceof AttributeValueError) throw new SeedError(error.message);
    throw error;
  }
  const fromAttributes = attributes[source.identityAttribute];
  const nativeIdentity = input.nativeIdentity ?? (typeof fromAttributes === "string" ? fromAttributes : undefined);
  if (nativeIdentity === undefined || nativeIdentity === "") {
    throw new SeedError(
      `an account of source "${source.name}" needs a nativeIdentity (or attribute "${source.identityAttribute}")`,
    );
  }
  if (fromAttributes !== undefined && fromAttributes !== nativeIdentity) {
    throw new SeedError(
      `account "${nativeIdentity}": attribute "${source.identityAttribute}" must equal the nativeIdentity`,
    );
  }
  attributes = { ...attributes, [source.identityAttribute]: nativeIdentity };
  const identityId = input.identityId ?? null;
  if (identityId !== null && !identityExists(identityId))
    throw new SeedError(`account "${nativeIdentity}": unknown identity "${identityId}"`);
  return {
    id: input.id ?? randomHexId(),
    sourceId: source.id,
    nativeIdentity,
    attributes,
    identityId,
    manuallyCorrelated: input.manuallyCorrelated === true,
    disabled: input.disabled === true,
    locked: input.locked === true,
    origin,
    created: now,
    modified: now,
  };
}

function requireUnique(kind: string, ids: string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new SeedError(`${kind} id "${id}" appears twice`);
    seen.add(id);
  }
}

/** `base` with the settings a seed (or start options) name, each checked. */
export function resolveTenantSettings(
  base: Readonly<TenantSettings>,
  named: Partial<TenantSettings> | undefined,
): TenantSettings {
  if (named === undefined) return { ...base };
  if (named === null || typeof named !== "object") throw new SeedError("settings must be an object");
  const { nativeIdentityCase = base.nativeIdentityCase, duplicateCreates = base.duplicateCreates } = named;
  if (nativeIdentityCase !== "sensitive" && nativeIdentityCase !== "insensitive") {
    throw new SeedError(
      `settings.nativeIdentityCase must be "sensitive" or "insensitive", got ${JSON.stringify(nativeIdentityCase)}`,
    );
  }
  if (typeof duplicateCreates !== "boolean")
    throw new SeedError(`settings.duplicateCreates must be true or false, got ${JSON.stringify(duplicateCreates)}`);
  return { nativeIdentityCase, duplicateCreates };
}

/**
 * Validates SeedData and turns it into tenant records. Without clients, the demo client is used.
 * Settings the seed does not name come from `base`.
 */
export function normalizeSeed(
  data: SeedData,
  now: string = new Date().toISOString(),
  base: Readonly<TenantSettings> = DEFAULT_TENANT_SETTINGS,
): TenantData {
  if (data === null || typeof data !== "object") throw new SeedError("seed data must be an object");
  const settings = resolveTenantSettings(base, data.settings);
  const seedClients: SeedClient[] = data.clients ?? [{ ...DEMO_CLIENT }];
  const clients: ClientRecord[] = seedClients.map((client) => {
    if (
      !client ||
      typeof client.clientId !== "string" ||
      typeof client.clientSecret !== "string" ||
      !client.clientId ||
      !client.clientSecret
    ) {
      throw new SeedError("every client needs a clientId and a clientSecret");
    }
    return { clientId: client.clientId, clientSecret: client.clientSecret, readOnly: client.readOnly === true };
  });
  requireUnique(
    "client",
    clients.map((client) => client.clientId),
  );

  const identities: IdentityRecord[] = (data.identities ?? []).map((identity) => {
    if (!identity || typeof identity.name !== "string") throw new SeedError("every identity needs a name");
    return { id: identity.id ?? randomHexId(), name: identity.name };
  });
  requireUnique(
    "identity",
    identities.map((identity) => identity.id),
  );
  const identityIds = new Set(identities.map((identity) => identity.id));

  const sources = (data.sources ?? []).map((source) => normalizeSource(source, identities[0]?.id ?? null, now));
  requireUnique(
    "source",
    sources.map((source) => source.id),
  );
  for (const source of sources) {
    if (source.ownerIdentityId !== null && !identityIds.has(source.ownerIdentityId)) {
      throw new SeedError(`source "${source.name}": unknown owner identity "${source.ownerIdentityId}"`);
    }
  }

  const accounts = (data.accounts ?? []).map((account) => {
    const source = sources.find((candidate) =>
      account.sourceId !== undefined ? candidate.id === account.sourceId : candidate.name === account.sourceName,
    );
    if (!source) throw new SeedError(`account refers to unknown source "${account.sourceId ?? account.sourceName}"`);
    return accountFromInput(source, account, (id) => identityIds.has(id), now, account.origin ?? "AGGREGATED");
  });
  requireUnique(
    "account",
    accounts.map((account) => account.id),
  );
  // Only a tenant that does not merge creates can hold one nativeIdentity twice.
  if (!settings.duplicateCreates) {
    const fold = (nativeIdentity: string) =>
      settings.nativeIdentityCase === "insensitive" ? nativeIdentity.toLowerCase() : nativeIdentity;
    const nativeKeys = new Set<string>();
    for (const account of accounts) {
      const key = `${account.sourceId}\u0000${fold(account.nativeIdentity)}`;
      if (nativeKeys.has(key))
        throw new SeedError(`account "${account.nativeIdentity}" appears twice on source ${account.sourceId}`);
      nativeKeys.add(key);
    }
  }
  return { clients, sources, identities, accounts, settings };
}
