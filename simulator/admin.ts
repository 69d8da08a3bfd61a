/**
 * Out-of-band changes to the tenant, as an aggregation or an administrator would make them: applied
 * at once, with no task, no visibility delay and no pending-task check. Used by tests, benchmarks,
 * the demo (in process) and by the /__sim HTTP API.
 */
import type { Account } from "../provider/client/types";
import { AttributeValueError, cloneAttributes, normalizeAttributeValue } from "./attributes";
import type { AccountRecord } from "./model";
import { accountFromInput, normalizeSeed, SeedError } from "./seed";
import type { SimulatorServices } from "./services";
import type { AdminAccountInput, AdminAccountPatch, SeedData, SimulatorAdmin, SimulatorState } from "./types";
import { accountView } from "./views";

export class SimulatorAdminError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = "SimulatorAdminError";
  }
}

function badRequest(error: unknown): never {
  if (error instanceof SeedError || error instanceof AttributeValueError)
    throw new SimulatorAdminError(400, error.message);
  throw error;
}

/** Replaces the tenant's content and forgets tasks, classifications and pending changes. */
export function reseedTenant(services: SimulatorServices, data: SeedData): void {
  let normalized;
  try {
    normalized = normalizeSeed(data, undefined, services.tenant.settings);
  } catch (error) {
    badRequest(error);
  }
  services.tasks.clear();
  services.classifications.clear();
  services.pending.clear();
  services.tenant.load(normalized);
}

export function createAdmin(services: SimulatorServices): SimulatorAdmin {
  const { tenant } = services;
  const view = (record: AccountRecord): Account => accountView(tenant, record);
  const requireStored = (id: string): AccountRecord => {
    const record = tenant.account(id);
    if (!record) throw new SimulatorAdminError(404, `Account "${id}" not found`);
    return record;
  };

  return {
    listAccounts: (sourceId) => tenant.storedAccounts(sourceId).map(view),

    getAccount: (id) => {
      const record = tenant.account(id);
      return record ? view(record) : undefined;
    },

    createAccount: (input: AdminAccountInput) => {
      const source = input && typeof input.sourceId === "string" ? tenant.source(input.sourceId) : undefined;
      if (!source) throw new SimulatorAdminError(400, `Source "${input?.sourceId}" not found`);
      let record: AccountRecord;
      try {
        record = accountFromInput(
          source,
          input,
          (id) => tenant.identity(id) !== undefined,
          new Date().toISOString(),
          "AGGREGATED",
        );
      } catch (error) {
        badRequest(error);
      }
      if (tenant.account(record.id)) throw new SimulatorAdminError(400, `Account id "${record.id}" already exists`);
      if (!tenant.settings.duplicateCreates && tenant.accountByNativeIdentity(source.id, record.nativeIdentity)) {
        throw new SimulatorAdminError(
          400,
          `Account "${record.nativeIdentity}" already exists on source "${source.name}"`,
        );
      }
      tenant.addAccount(record);
      return view(record);
    },

    updateAccount: (id: string, patch: AdminAccountPatch) => {
      const current = requireStored(id);
      const source = tenant.source(current.sourceId);
      if (!source) throw new SimulatorAdminError(404, `Account "${id}" not found`);
      const next: AccountRecord = {
        ...current,
        attributes: cloneAttributes(current.attributes),
        modified: new Date().toISOString(),
      };
      for (const [name, value] of Object.entries(patch.attributes ?? {})) {
        if (name === source.identityAttribute && value !== current.nativeIdentity) {
          throw new SimulatorAdminError(400, `"${name}" is the identity attribute and cannot change`);
        }
        let stored;
        try {
          stored = normalizeAttributeValue(source, name, value, "scalars");
        } catch (error) {
          badRequest(error);
        }
        if (stored === undefined) delete next.attributes[name];
        else next.attributes[name] = stored;
      }
      if (patch.disabled !== undefined) next.disabled = patch.disabled === true;
      if (patch.locked !== undefined) next.locked = patch.locked === true;
      if (patch.identityId !== undefined) {
        if (patch.identityId !== null && !tenant.identity(patch.identityId)) {
          throw new SimulatorAdminError(400, `Identity "${patch.identityId}" not found`);
        }
        next.identityId = patch.identityId;
        if (patch.identityId === null) next.manuallyCorrelated = false;
      }
      if (patch.manuallyCorrelated !== undefined) next.manuallyCorrelated = patch.manuallyCorrelated === true;
      tenant.replaceAccount(next);
      return view(next);
    },

    deleteAccount: (id) => tenant.removeAccount(id),

    seed: (data) => reseedTenant(services, data),

    state: (): SimulatorState => ({
      clients: tenant.clientList().map((client) => ({ clientId: client.clientId, readOnly: client.readOnly })),
      sources: tenant.sourceList().map((source) => ({
        id: source.id,
        name: source.name,
        type: source.type,
        identityAttribute: source.identityAttribute,
        displayAttribute: source.displayAttribute,
        attributes: source.attributes.map((attribute) => ({ ...attribute })),
      })),
      identities: tenant.identityList().map((identity) => ({ ...identity })),
      accounts: tenant.storedAccounts().map(view),
      tasks: services.tasks.list().map((task) => task.status),
      classifications: services.classifications.all(),
      pendingAccountIds: services.pending.accountIds(),
      faults: { ...services.faults.config },
      settings: { ...tenant.settings },
    }),
  };
}
