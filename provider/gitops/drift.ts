/**
 * Drift detection: reads the managed sources' accounts from the tenant and compares them with the
 * definitions, without Pulumi state. Reads are paged list calls per source (250 per call), never
 * one GET per account, so a scan of N accounts costs about N/250 requests.
 */
import { eq } from "../client/filters";
import type { IscClient } from "../client/request";
import { getSource } from "../client/sources";
import type { Account } from "../client/types";
import type { AccountDefinition } from "./definitions";
import { compareWithTenant, type DriftReport, type SourceScan } from "./drift-report";

export interface DriftProgress {
  sourceId: string;
  scanned: number;
  /** Unknown while listing (the client's pager does not expose X-Total-Count). */
  total?: number;
}

export interface DetectDriftOptions {
  /** Sources to scan (default: every source the definitions name). Definitions on other sources are ignored. */
  sourceIds?: readonly string[];
  /** Also report accounts on the scanned sources that no definition declares. */
  includeUnmanaged?: boolean;
  onProgress?: (progress: DriftProgress) => void;
}

export async function detectDrift(
  client: IscClient,
  definitions: readonly AccountDefinition[],
  opts: DetectDriftOptions = {},
): Promise<DriftReport> {
  const sourceIds = [...new Set(opts.sourceIds ?? definitions.map((d) => d.sourceId))].sort();
  const scans: SourceScan[] = [];
  // One source at a time: the scan is bounded by the rate limit anyway, and progress stays readable.
  for (const sourceId of sourceIds) {
    // listAccounts() has no progress hook, hence the pager directly (same route, same query shape).
    const accounts = await client.paginate<Account>("listAccounts", {
      // Sorted by id so that offset paging stays consistent while we read.
      query: { filters: eq("sourceId", sourceId), sorters: "id" },
      onPage: (scanned) => opts.onProgress?.({ sourceId, scanned }),
    });
    scans.push({ sourceId, sourceName: await sourceName(client, sourceId, accounts), accounts });
  }
  return compareWithTenant(definitions, scans, { includeUnmanaged: opts.includeUnmanaged, baseUrl: client.baseUrl });
}

/** Every account read names its source; only a source with no accounts costs a read of its own. */
async function sourceName(client: IscClient, sourceId: string, accounts: readonly Account[]): Promise<string | null> {
  const named = accounts.find((a) => a.sourceName);
  if (named) return named.sourceName;
  return (await getSource(client, sourceId))?.name ?? null;
}
