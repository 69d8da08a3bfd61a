/** Handlers of the v3 / accounts/v1 account operations. */
import { AccountOperations, type AccountAction } from "../account-operations";
import { isPlainObject, jsonBody, mediaType, pathParam, type ApiHandler, type ApiRequest } from "../api";
import { accountDisplayName } from "../attributes";
import {
  applyPaging,
  collectionHeaders,
  parseFilterParameter,
  parsePaging,
  parseSorters,
  type SortCatalog,
} from "../collection";
import { ApiError } from "../errors";
import { pinnedValues, type FilterCatalog } from "../filters";
import type { AccountRecord } from "../model";
import type { SimulatorServices } from "../services";
import type { TenantStore } from "../tenant";
import { accountHasEntitlements, accountView, entitlementViews } from "../views";

export type AccountRoute =
  | "listAccounts"
  | "createAccount"
  | "getAccount"
  | "putAccount"
  | "patchAccount"
  | "deleteAccount"
  | "enableAccount"
  | "disableAccount"
  | "unlockAccount"
  | "reloadAccount"
  | "listAccountEntitlements";

function accountName(tenant: TenantStore, record: AccountRecord): string {
  const source = tenant.source(record.sourceId);
  return source ? accountDisplayName(source, record.attributes, record.nativeIdentity) : record.nativeIdentity;
}

/** Fields and operators GET /accounts filters on, as the contract lists them (a subset). */
function accountFilters(tenant: TenantStore): FilterCatalog<AccountRecord> {
  const strings = ["eq", "in", "sw"] as const;
  return {
    id: { type: "string", ops: strings, value: (a) => a.id },
    identityId: { type: "string", ops: strings, value: (a) => a.identityId },
    name: { type: "string", ops: strings, value: (a) => accountName(tenant, a) },
    nativeIdentity: {
      type: "string",
      ops: strings,
      value: (a) => a.nativeIdentity,
      fold: (text) => tenant.foldNativeIdentity(text),
    },
    sourceId: { type: "string", ops: strings, value: (a) => a.sourceId },
    uncorrelated: { type: "boolean", ops: ["eq"], value: (a) => a.identityId === null },
    manuallyCorrelated: { type: "boolean", ops: ["eq"], value: (a) => a.manuallyCorrelated },
    hasEntitlements: {
      type: "boolean",
      ops: ["eq"],
      value: (a) => {
        const source = tenant.source(a.sourceId);
        return source ? accountHasEntitlements(source, a) : false;
      },
    },
    origin: { type: "string", ops: ["eq", "in"], value: (a) => a.origin },
    created: { type: "string", ops: ["eq", "ge", "gt", "le", "lt"], value: (a) => a.created },
    modified: { type: "string", ops: ["eq", "ge", "gt", "le", "lt"], value: (a) => a.modified },
  };
}

function accountSorters(tenant: TenantStore): SortCatalog<AccountRecord> {
  return {
    id: (a) => a.id,
    name: (a) => accountName(tenant, a),
    created: (a) => a.created,
    modified: (a) => a.modified,
    sourceId: (a) => a.sourceId,
    identityId: (a) => a.identityId,
    nativeIdentity: (a) => a.nativeIdentity,
    manuallyCorrelated: (a) => a.manuallyCorrelated,
    origin: (a) => a.origin,
  };
}

function toggleBody(request: ApiRequest, action: AccountAction): void {
  if (action === "reload") return;
  const body = jsonBody(request, {});
  if (!isPlainObject(body)) throw ApiError.badRequest("The request body must be a JSON object");
  const types: Record<string, "string" | "boolean"> = {
    externalVerificationId: "string",
    forceProvisioning: "boolean",
  };
  if (action === "unlock") types.unlockIDNAccount = "boolean";
  for (const [name, type] of Object.entries(types)) {
    if (body[name] !== undefined && typeof body[name] !== type) throw ApiError.badRequest(`${name} must be a ${type}`);
  }
}

export function accountHandlers(services: SimulatorServices): Record<AccountRoute, ApiHandler> {
  const { tenant } = services;
  const operations = new AccountOperations(services);

  const requireVisible = (id: string): AccountRecord => {
    const account = tenant.visibleAccount(id, Date.now());
    if (!account) throw ApiError.notFound(`Account "${id}" not found`);
    return account;
  };

  const attributesOf = (request: ApiRequest): Record<string, unknown> => {
    const body = jsonBody(request);
    if (!isPlainObject(body) || !isPlainObject(body.attributes))
      throw ApiError.badRequest('The body must be {"attributes": {...}}');
    return body.attributes;
  };

  const action =
    (name: AccountAction): ApiHandler =>
    (request) => {
      toggleBody(request, name);
      return { status: 202, body: { id: operations.act(pathParam(request, "id"), name, request.clientId) } };
    };

  return {
    listAccounts: (request) => {
      const paging = parsePaging(request.query);
      const detailLevel = request.query.get("detailLevel");
      if (detailLevel !== null && detailLevel !== "SLIM" && detailLevel !== "FULL") {
        throw ApiError.badRequest(`detailLevel must be SLIM or FULL, got "${detailLevel}"`);
      }
      const filter = parseFilterParameter(request.query, accountFilters(tenant));
      const sorter = parseSorters(request.query, accountSorters(tenant));
      const narrowing = filter
        ? {
            ids: pinnedValues(filter.node, "id"),
            sourceIds: pinnedValues(filter.node, "sourceId"),
            nativeIdentities: pinnedValues(filter.node, "nativeIdentity"),
          }
        : {};
      let accounts = tenant.visibleAccounts(Date.now(), narrowing);
      if (filter) accounts = accounts.filter(filter.matches);
      if (sorter) accounts = [...accounts].sort(sorter);
      const page = applyPaging(accounts, paging);
      return {
        status: 200,
        body: page.items.map((account) => accountView(tenant, account)),
        headers: collectionHeaders(page, paging),
      };
    },

    createAccount: (request) => {
      const attributes = attributesOf(request);
      return { status: 202, body: { id: operations.create(attributes, request.clientId) } };
    },

    getAccount: (request) => ({ status: 200, body: accountView(tenant, requireVisible(pathParam(request, "id"))) }),

    putAccount: (request) => {
      const attributes = attributesOf(request);
      return { status: 202, body: { id: operations.put(pathParam(request, "id"), attributes, request.clientId) } };
    },

    patchAccount: (request) => {
      if (mediaType(request.headers) !== "application/json-patch+json") {
        throw ApiError.badRequest("PATCH requires Content-Type: application/json-patch+json");
      }
      operations.patch(pathParam(request, "id"), jsonBody(request));
      // The contract's 202 is an object with no task id: the change shows on the account later.
      return { status: 202, body: {} };
    },

    deleteAccount: (request) => ({
      status: 202,
      body: { id: operations.remove(pathParam(request, "id"), request.clientId) },
    }),

    enableAccount: action("enable"),
    disableAccount: action("disable"),
    unlockAccount: action("unlock"),
    reloadAccount: action("reload"),

    listAccountEntitlements: (request) => {
      const paging = parsePaging(request.query);
      const account = requireVisible(pathParam(request, "id"));
      const source = tenant.source(account.sourceId);
      const page = applyPaging(source ? entitlementViews(source, account) : [], paging);
      return { status: 200, body: page.items, headers: collectionHeaders(page, paging) };
    },
  };
}
