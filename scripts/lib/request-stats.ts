/**
 * Figures from the simulator's request log: requests per rate-limit budget, 429s, and which calls
 * dominate (with the average size of `in (...)` lists, which shows whether reads and task polls
 * were coalesced).
 */
import type { RequestLogEntry } from "../../simulator/types";

export interface OperationFigures {
  /** e.g. `GET /v3/accounts [id in]`, `GET /v3/accounts [filtered] sorted -created`, `POST /v3/accounts`. */
  operation: string;
  count: number;
  throttled: number;
  /** Mean number of values in the filter's `in (...)` list, for list calls that have one. */
  meanInValues?: number;
}

export interface RequestFigures {
  /** Every API and token request (the simulator's /__sim admin calls are not counted). */
  total: number;
  /** Per budget: "v3", "v2025", "oauth", ... */
  perBudget: Record<string, number>;
  /** 429 answers. */
  throttled: number;
  /** 5xx answers and connection resets (status 0). */
  failed: number;
  /** 401 answers (expired or revoked tokens). */
  unauthorized: number;
  /** Most frequent first. */
  operations: OperationFigures[];
}

const ISC_ID_SEGMENT = /\/[0-9a-f]{32}(?=\/|$)/gi;
const QUOTED = /"(?:[^"\\]|\\.)*"/g;

/**
 * The last `in (...)` list of a filter expression, the one that names what was asked
 * (`sourceId in ("a","b") and nativeIdentity in (...)`: the names): its field and its quoted values.
 * Quoted values are masked first, so that a value holding " in (" cannot mislead it.
 */
function lastInList(filters: string | undefined): { field: string; values: number } | undefined {
  if (!filters) return undefined;
  const masked = filters.replace(QUOTED, (q) => `"${"x".repeat(q.length - 2)}"`);
  const last = [...masked.matchAll(/(\w+) in \(/g)].at(-1);
  if (!last) return undefined;
  const start = last.index + last[0].length;
  const end = masked.indexOf(")", start);
  return { field: last[1], values: (filters.slice(start, end < 0 ? undefined : end).match(QUOTED) ?? []).length };
}

/** Number of values in the (last) `in (...)` list of a filter expression, or undefined when it has none. */
export function inListSize(filters: string | undefined): number | undefined {
  return lastInList(filters)?.values;
}

/** The field the (last) `in` list filters on ("id", "nativeIdentity"), if any. */
function inListField(filters: string | undefined): string | undefined {
  return lastInList(filters)?.field;
}

/** A stable name for what a request did: method, path with ids replaced, and the `in` field. */
export function operationOf(entry: Pick<RequestLogEntry, "method" | "path" | "query">): string {
  const path = entry.path.replace(ISC_ID_SEGMENT, "/{id}");
  const field = inListField(entry.query.filters);
  const filter = field ? ` [${field} in]` : entry.query.filters ? " [filtered]" : "";
  const sorted = entry.query.sorters ? ` sorted ${entry.query.sorters}` : "";
  return `${entry.method} ${path}${filter}${sorted}`;
}

export function summarizeRequests(entries: readonly RequestLogEntry[]): RequestFigures {
  const perBudget: Record<string, number> = {};
  const operations = new Map<string, { count: number; throttled: number; inValues: number; inLists: number }>();
  let throttled = 0;
  let failed = 0;
  let unauthorized = 0;
  let total = 0;
  for (const entry of entries) {
    if (entry.budget === "admin") continue;
    total++;
    perBudget[entry.budget] = (perBudget[entry.budget] ?? 0) + 1;
    if (entry.status === 429) throttled++;
    if (entry.status === 0 || entry.status >= 500) failed++;
    if (entry.status === 401) unauthorized++;
    const name = operationOf(entry);
    const figures = operations.get(name) ?? { count: 0, throttled: 0, inValues: 0, inLists: 0 };
    figures.count++;
    if (entry.status === 429) figures.throttled++;
    const size = inListSize(entry.query.filters);
    if (size !== undefined) {
      figures.inValues += size;
      figures.inLists++;
    }
    operations.set(name, figures);
  }
  return {
    total,
    perBudget,
    throttled,
    failed,
    unauthorized,
    operations: [...operations]
      .map(([operation, f]) => ({
        operation,
        count: f.count,
        throttled: f.throttled,
        ...(f.inLists > 0 ? { meanInValues: Math.round((f.inValues / f.inLists) * 10) / 10 } : {}),
      }))
      .sort((a, b) => b.count - a.count || a.operation.localeCompare(b.operation)),
  };
}

/**
 * Account lookups by nativeIdentity (`nativeIdentity in` lists and pages of a source's newest
 * accounts): in a create phase, what finding the created accounts cost. The checks before creates
 * confirm absence with the same `nativeIdentity in` lists, and lookups after create ride along in
 * them, so those are counted too (the strict reading); the listings sorted by id are not.
 */
export function accountLookups(entries: readonly RequestLogEntry[]): number {
  return entries.filter(
    (e) =>
      e.method === "GET" &&
      /^\/v3\/accounts$/.test(e.path) &&
      (inListField(e.query.filters) === "nativeIdentity" || e.query.sorters === "-created"),
  ).length;
}

/** Reads of a source's account schema (`GET /v3/sources/{id}/schemas`). */
export function schemaReads(entries: readonly RequestLogEntry[]): number {
  return entries.filter((e) => e.method === "GET" && /^\/v3\/sources\/[^/]+\/schemas$/.test(e.path)).length;
}
