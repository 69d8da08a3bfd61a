/**
 * Matches request paths against the product's one route table (provider/client/routes.ts), in both
 * generations: versioned (/v3/accounts/{id}, /v2025/task-status) and per-service (/accounts/v1/{id}).
 */
import { ROUTES, type ApiGeneration, type HttpMethod, type RouteName } from "../provider/client/routes";

export interface RouteMatch {
  name: RouteName;
  generation: ApiGeneration;
  params: Record<string, string>;
  /** Rate-limit budget: "v3", "v2025", "accounts/v1", ... */
  budget: string;
}

interface CompiledRoute {
  name: RouteName;
  generation: ApiGeneration;
  method: HttpMethod;
  segments: string[];
  budget: string;
}

function compile(): CompiledRoute[] {
  const compiled: CompiledRoute[] = [];
  for (const [name, route] of Object.entries(ROUTES) as Array<[RouteName, (typeof ROUTES)[RouteName]]>) {
    const versioned = `/${route.versioned.apiVersion}${route.versioned.path}`;
    compiled.push({
      name,
      generation: "versioned",
      method: route.method,
      segments: versioned.split("/").slice(1),
      budget: route.versioned.apiVersion,
    });
    const perService = route.perService.split("/").slice(1);
    compiled.push({
      name,
      generation: "per-service",
      method: route.method,
      segments: perService,
      budget: perService.slice(0, 2).join("/"),
    });
  }
  return compiled;
}

const COMPILED = compile();

function matchSegments(template: string[], actual: string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const part = template[i];
    if (part.startsWith("{") && part.endsWith("}")) {
      if (actual[i] === "") return undefined;
      params[part.slice(1, -1)] = actual[i];
    } else if (part !== actual[i]) {
      return undefined;
    }
  }
  return params;
}

export type RouteLookup =
  | { kind: "match"; match: RouteMatch }
  | { kind: "method-not-allowed"; budget: string; allowed: HttpMethod[] }
  | { kind: "not-found" };

/** Finds the operation for a method and a raw (still percent-encoded) path. */
export function lookupRoute(method: string, rawPath: string): RouteLookup {
  let actual: string[];
  try {
    actual = rawPath
      .split("/")
      .slice(1)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return { kind: "not-found" };
  }
  const allowed: HttpMethod[] = [];
  let budget = "";
  for (const route of COMPILED) {
    const params = matchSegments(route.segments, actual);
    if (!params) continue;
    if (route.method === method) {
      return { kind: "match", match: { name: route.name, generation: route.generation, params, budget: route.budget } };
    }
    allowed.push(route.method);
    budget = route.budget;
  }
  return allowed.length > 0 ? { kind: "method-not-allowed", budget, allowed } : { kind: "not-found" };
}

/** The budget a path would count against, for logging requests that match no operation. */
export function budgetOfPath(rawPath: string): string {
  const segments = rawPath.split("/").slice(1);
  if (segments[0] === "v3" || segments[0] === "v2025") return segments[0];
  if (segments[1] === "v1") return `${segments[0]}/v1`;
  return "unknown";
}

/**
 * The rate budget a matched request counts against: its route's budget, except that with "shared"
 * all per-service paths of one version (`accounts/v1`, `sources/v1`, ...) count as one (`per-service/v1`).
 */
export function rateBudgetOf(match: RouteMatch, perService: "separate" | "shared"): string {
  if (match.generation !== "per-service" || perService === "separate") return match.budget;
  return `per-service/${match.budget.split("/")[1]}`;
}
