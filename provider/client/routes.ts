/**
 * The one table of every ISC API path this product calls. Endpoint modules name a route, never a
 * path, so moving from the versioned API (/v3, /v2025) to SailPoint's per-service paths
 * (/accounts/v1, /task-status/v1, ...) is a switch of `ApiGeneration` in one place.
 */

export type ApiGeneration = "versioned" | "per-service";

export type RouteName =
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
  | "listAccountEntitlements"
  | "listSources"
  | "getSource"
  | "listSourceSchemas"
  | "getSourceSchema"
  | "getTaskStatus"
  | "listTaskStatus"
  | "loadUncorrelatedAccounts"
  | "startClassification"
  | "getClassification"
  | "cancelClassification";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteDefinition {
  method: HttpMethod;
  /** Path template relative to the API root of the generation, e.g. `/accounts/{id}`. */
  versioned: { apiVersion: "v3" | "v2025"; path: string };
  /** Per-service path (version inside the path, no prefix), e.g. `/accounts/v1/{id}`. */
  perService: string;
  /** Calls that need `X-SailPoint-Experimental: true`. */
  experimental?: boolean;
  /**
   * True for calls that create something and must never be repeated blindly when the first attempt
   * may have reached the server (the caller looks up instead).
   */
  creates?: boolean;
}

export const ROUTES: Readonly<Record<RouteName, RouteDefinition>> = {
  listAccounts: { method: "GET", versioned: { apiVersion: "v3", path: "/accounts" }, perService: "/accounts/v1" },
  createAccount: {
    method: "POST",
    versioned: { apiVersion: "v3", path: "/accounts" },
    perService: "/accounts/v1",
    creates: true,
  },
  getAccount: {
    method: "GET",
    versioned: { apiVersion: "v3", path: "/accounts/{id}" },
    perService: "/accounts/v1/{id}",
  },
  putAccount: {
    method: "PUT",
    versioned: { apiVersion: "v3", path: "/accounts/{id}" },
    perService: "/accounts/v1/{id}",
  },
  patchAccount: {
    method: "PATCH",
    versioned: { apiVersion: "v3", path: "/accounts/{id}" },
    perService: "/accounts/v1/{id}",
  },
  deleteAccount: {
    method: "DELETE",
    versioned: { apiVersion: "v3", path: "/accounts/{id}" },
    perService: "/accounts/v1/{id}",
  },
  enableAccount: {
    method: "POST",
    versioned: { apiVersion: "v3", path: "/accounts/{id}/enable" },
    perService: "/accounts/v1/{id}/enable",
  },
  disableAccount: {
    method: "POST",
    versioned: { apiVersion: "v3", path: "/accounts/{id}/disable" },
    perService: "/accounts/v1/{id}/disable",
  },
  unlockAccount: {
    method: "POST",
    versioned: { apiVersion: "v3", path: "/accounts/{id}/unlock" },
    perService: "/accounts/v1/{id}/unlock",
  },
  reloadAccount: {
    method: "POST",
    versioned: { apiVersion: "v3", path: "/accounts/{id}/reload" },
    perService: "/accounts/v1/{id}/reload",
  },
  listAccountEntitlements: {
    method: "GET",
    versioned: { apiVersion: "v3", path: "/accounts/{id}/entitlements" },
    perService: "/accounts/v1/{id}/entitlements",
  },
  listSources: { method: "GET", versioned: { apiVersion: "v3", path: "/sources" }, perService: "/sources/v1" },
  getSource: { method: "GET", versioned: { apiVersion: "v3", path: "/sources/{id}" }, perService: "/sources/v1/{id}" },
  listSourceSchemas: {
    method: "GET",
    versioned: { apiVersion: "v3", path: "/sources/{sourceId}/schemas" },
    perService: "/sources/v1/{sourceId}/schemas",
  },
  getSourceSchema: {
    method: "GET",
    versioned: { apiVersion: "v3", path: "/sources/{sourceId}/schemas/{schemaId}" },
    perService: "/sources/v1/{sourceId}/schemas/{schemaId}",
  },
  getTaskStatus: {
    method: "GET",
    versioned: { apiVersion: "v2025", path: "/task-status/{id}" },
    perService: "/task-status/v1/{id}",
  },
  listTaskStatus: {
    method: "GET",
    versioned: { apiVersion: "v2025", path: "/task-status" },
    perService: "/task-status/v1",
  },
  loadUncorrelatedAccounts: {
    method: "POST",
    versioned: { apiVersion: "v2025", path: "/sources/{id}/load-uncorrelated-accounts" },
    perService: "/sources/v1/{id}/load-uncorrelated-accounts",
    creates: true,
  },
  startClassification: {
    method: "POST",
    versioned: { apiVersion: "v2025", path: "/sources/{sourceId}/classify" },
    perService: "/sources/v1/{sourceId}/classify",
    experimental: true,
  },
  getClassification: {
    method: "GET",
    versioned: { apiVersion: "v2025", path: "/sources/{sourceId}/classify" },
    perService: "/sources/v1/{sourceId}/classify",
    experimental: true,
  },
  cancelClassification: {
    method: "DELETE",
    versioned: { apiVersion: "v2025", path: "/sources/{sourceId}/classify" },
    perService: "/sources/v1/{sourceId}/classify",
    experimental: true,
  },
};

export interface ResolvedRoute {
  method: HttpMethod;
  /** Path from the base URL, e.g. `/v3/accounts/abc` or `/accounts/v1/abc`. */
  path: string;
  /** Rate-limit budget key: ISC counts each API version separately (`v3`, `v2025`, `per-service/v1`). */
  budget: string;
  experimental: boolean;
  creates: boolean;
}

/**
 * The rate-limit budget a route counts against: its API version (`v3`, `v2025`). Per-service paths
 * of one version (`/accounts/v1`, `/sources/v1`, ...) count as ONE budget, `per-service/v1`:
 * SailPoint does not document whether each service has its own 100 per 10 s, and sharing is the
 * side that draws no 429 either way (FIELD-NOTES, "API versions").
 */
export function budgetOf(name: RouteName, generation: ApiGeneration = "versioned"): string {
  const route = ROUTES[name];
  return generation === "versioned" ? route.versioned.apiVersion : `per-service/${route.perService.split("/")[2]}`;
}

/** Fills a route's path template; each parameter is URI-encoded. Throws if one is missing. */
export function resolveRoute(
  name: RouteName,
  params: Readonly<Record<string, string>> = {},
  generation: ApiGeneration = "versioned",
): ResolvedRoute {
  const route = ROUTES[name];
  const template =
    generation === "versioned" ? `/${route.versioned.apiVersion}${route.versioned.path}` : route.perService;
  const path = template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = params[key];
    if (value === undefined || value === "") throw new Error(`route ${name}: missing path parameter "${key}"`);
    return encodeURIComponent(value);
  });
  return {
    method: route.method,
    path,
    budget: budgetOf(name, generation),
    experimental: route.experimental === true,
    creates: route.creates === true,
  };
}
