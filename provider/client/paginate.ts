/**
 * The one offset-paging loop of the client. ISC collections take `limit` (at most and by default
 * 250) and `offset`; `count=true` adds `X-Total-Count`. A listing ends at a short page, at the
 * total count, or when the caller's `stopWhen` says it has what it needs (e.g. every id it asked
 * for could already be in the items, so a full page of 250 ids costs one request, not two).
 */
import { ConfigurationError } from "./errors";
import type { QueryValues } from "./http";
import type { IscClient } from "./request";
import type { RouteName } from "./routes";

export const MAX_PAGE_SIZE = 250;

export interface Page<T> {
  items: T[];
  /** Offset of the first item of this page. */
  offset: number;
  /** `X-Total-Count` as of the first page, when ISC sent it (only asked for with `count: true`). */
  totalCount?: number;
  /** No page follows this one (it is short, or reaches the total count). */
  last: boolean;
}

export interface PaginateOptions<T = unknown> {
  params?: Record<string, string>;
  query?: QueryValues;
  /** Items per page, at most 250 (ISC's maximum); default 250. */
  pageSize?: number;
  /** Ask for `X-Total-Count` (on the first page only: the count is of the whole listing). */
  count?: boolean;
  /** Checked after each full page: true ends the listing there. */
  stopWhen?: (itemsSoFar: readonly T[], page: Page<T>) => boolean;
  onPage?: (itemsSoFar: number) => void;
}

function checkedPageSize(pageSize: number | undefined): number {
  const size = pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new ConfigurationError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/**
 * The pages of a listing, one request each, fetched as the caller pulls them (a reader that pages
 * on demand holds the iterator). Ends after a short page or at the total count.
 */
export async function* listPages<T>(
  client: Pick<IscClient, "request">,
  name: RouteName,
  opts: PaginateOptions<T> = {},
): AsyncGenerator<Page<T>> {
  const pageSize = checkedPageSize(opts.pageSize);
  let totalCount: number | undefined;
  for (let offset = 0; ;) {
    const count = opts.count === true && offset === 0 ? true : undefined;
    const res = await client.request<T[]>(name, {
      params: opts.params,
      query: { ...opts.query, limit: pageSize, offset, count },
    });
    if (!Array.isArray(res.data)) throw new Error(`ISC ${name} returned a page that is not a JSON array`);
    const counted = Number(res.headers["x-total-count"] ?? Number.NaN);
    if (Number.isFinite(counted)) totalCount = counted;
    // A short page is the last one; an empty page also ends a listing whose size is a multiple of the page size.
    const last = res.data.length < pageSize || (totalCount !== undefined && offset + res.data.length >= totalCount);
    yield { items: res.data, offset, last, ...(totalCount !== undefined ? { totalCount } : {}) };
    if (last) return;
    offset += res.data.length;
  }
}

/** The first page of a listing and no more: one request, also when that page is full (see `last`). */
export async function firstPage<T>(
  client: Pick<IscClient, "request">,
  name: RouteName,
  opts: PaginateOptions<T> = {},
): Promise<Page<T>> {
  // Leaving the loop closes the generator before it asks for a second page.
  for await (const page of listPages<T>(client, name, opts)) return page;
  throw new Error(`ISC ${name} listing ended without a page`); // listPages yields a page or throws
}

/** Every item of a listing, or those up to where `stopWhen` ends it. */
export async function paginate<T>(
  client: Pick<IscClient, "request">,
  name: RouteName,
  opts: PaginateOptions<T> = {},
): Promise<T[]> {
  const items: T[] = [];
  for await (const page of listPages<T>(client, name, opts)) {
    items.push(...page.items);
    opts.onPage?.(items.length);
    if (opts.stopWhen?.(items, page)) break;
  }
  return items;
}
