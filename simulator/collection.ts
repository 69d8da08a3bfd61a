/**
 * ISC standard collection parameters: limit (default and max 250), offset, count (-> X-Total-Count),
 * filters and sorters ("name,-created"). Invalid values answer 400, as ISC does.
 */
import { ApiError } from "./errors";
import { compileFilter, FilterError, type CompiledFilter, type FilterCatalog } from "./filters";

export const MAX_LIMIT = 250;

export interface Paging {
  limit: number;
  offset: number;
  count: boolean;
}

function parseNonNegativeInteger(query: URLSearchParams, name: string, fallback: number, max?: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw))
    throw ApiError.badRequest(`query parameter "${name}" must be a non-negative integer, got "${raw}"`);
  const value = Number(raw);
  if (max !== undefined && value > max)
    throw ApiError.badRequest(`query parameter "${name}" must be at most ${max}, got ${value}`);
  return value;
}

export function parseBooleanParameter(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null) return false;
  if (raw !== "true" && raw !== "false")
    throw ApiError.badRequest(`query parameter "${name}" must be true or false, got "${raw}"`);
  return raw === "true";
}

export function parsePaging(query: URLSearchParams): Paging {
  return {
    limit: parseNonNegativeInteger(query, "limit", MAX_LIMIT, MAX_LIMIT),
    offset: parseNonNegativeInteger(query, "offset", 0),
    count: parseBooleanParameter(query, "count"),
  };
}

/** The compiled `filters` parameter, or undefined when there is none. Bad filters are a 400. */
export function parseFilterParameter<T>(
  query: URLSearchParams,
  catalog: FilterCatalog<T>,
): CompiledFilter<T> | undefined {
  const raw = query.get("filters");
  if (raw === null) return undefined;
  try {
    return compileFilter(raw, catalog);
  } catch (error) {
    if (error instanceof FilterError) throw ApiError.badRequest(`Invalid filters parameter: ${error.message}`);
    throw error;
  }
}

export type SortKey<T> = (item: T) => string | number | boolean | null | undefined;
export type SortCatalog<T> = Readonly<Record<string, SortKey<T>>>;

/** A comparator for the `sorters` parameter, or undefined when there is none. Unknown fields are a 400. */
export function parseSorters<T>(query: URLSearchParams, catalog: SortCatalog<T>): ((a: T, b: T) => number) | undefined {
  const raw = query.get("sorters");
  if (raw === null || raw.trim() === "") return undefined;
  const keys = raw.split(",").map((part) => {
    const trimmed = part.trim();
    const descending = trimmed.startsWith("-");
    const field = descending ? trimmed.slice(1) : trimmed;
    if (!Object.prototype.hasOwnProperty.call(catalog, field)) {
      throw ApiError.badRequest(
        `Invalid sorters parameter: sorting is not supported on field "${field}" (supported: ` +
          `${Object.keys(catalog).join(", ")})`,
      );
    }
    return { key: catalog[field], direction: descending ? -1 : 1 };
  });
  return (a, b) => {
    for (const { key, direction } of keys) {
      const order = compareValues(key(a), key(b));
      if (order !== 0) return order * direction;
    }
    return 0;
  };
}

function compareValues(
  a: string | number | boolean | null | undefined,
  b: string | number | boolean | null | undefined,
): number {
  // Absent values sort first, as null does in ISC's ascending order.
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export function applyPaging<T>(items: readonly T[], paging: Paging): Page<T> {
  return { items: items.slice(paging.offset, paging.offset + paging.limit), total: items.length };
}

/** Headers of a collection answer: X-Total-Count only when count=true was asked for. */
export function collectionHeaders(page: Page<unknown>, paging: Paging): Record<string, string> {
  return paging.count ? { "X-Total-Count": String(page.total) } : {};
}
