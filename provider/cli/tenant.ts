/**
 * Tenant access shared by the commands that reach a tenant (drift, export, csv, check-csv): the client
 * from flags and environment, and the flat-file source named on the command line, with its account schema.
 */
import { getAccountSchema, getSource } from "../client/sources";
import { eq } from "../client/filters";
import { createIscClient, type IscClient } from "../client/request";
import { resolveConnectionSettings, SETTING_ENV_VARS, type SettingHint } from "../client/settings";
import type { Account, Source, SourceSchema } from "../client/types";

export interface ConnectionFlags {
  baseUrl?: string;
  clientId?: string;
}

const SOURCE_ID = /^[0-9a-f]{32}$/;

/**
 * Where to set each connection setting. There is deliberately no --client-secret flag: command
 * lines are visible to every local user (ps, /proc/<pid>/cmdline) and end up in shell history and
 * CI logs, so the secret is read from the environment only.
 */
const cliSettingHint: SettingHint = (setting, envVar) => {
  if (setting === "baseUrl") return `use --base-url or set ${envVar}`;
  if (setting === "clientId") return `use --client-id or set ${envVar}`;
  return `set ${envVar}; it has no command-line flag because command lines are visible to other users`;
};

export const CONNECTION_HELP =
  `Connection: ${SETTING_ENV_VARS.baseUrl}, ${SETTING_ENV_VARS.clientId}, ${SETTING_ENV_VARS.clientSecret} ` +
  "(the secret only from the environment: command lines are visible to other users in process lists).";

export function tenantClient(flags: ConnectionFlags, env: NodeJS.ProcessEnv): IscClient {
  const origin = (setting: string) => (setting === "baseUrl" ? "--base-url" : "--client-id");
  return createIscClient(
    resolveConnectionSettings({ baseUrl: flags.baseUrl, clientId: flags.clientId }, env, cliSettingHint, origin),
  );
}

export function isSourceId(text: string): boolean {
  return SOURCE_ID.test(text);
}

/** What the commands need of a source; ISC's `Source` marks even `id` optional (it is read-only). */
export interface SourceRef {
  id: string;
  name: string;
}

export interface FlatFileSource {
  source: SourceRef;
  schema: SourceSchema | undefined;
}

/**
 * The source given as an id or an exact name (`name eq`), which must be a flat-file (DelimitedFile)
 * source as the Account provider requires; throws an error that says what to fix.
 */
export async function flatFileSource(client: IscClient, idOrName: string): Promise<FlatFileSource> {
  let source: Source | undefined;
  if (isSourceId(idOrName)) {
    source = await getSource(client, idOrName);
    if (!source) throw new Error(`--source ${idOrName}: no source with this id in the tenant`);
  } else {
    const found = await client.paginate<Source>("listSources", { query: { filters: eq("name", idOrName) } });
    if (found.length === 0)
      throw new Error(
        `--source ${JSON.stringify(idOrName)}: no source with this name (nor is it a 32-character hex id)`,
      );
    if (found.length > 1)
      throw new Error(
        `--source ${JSON.stringify(idOrName)}: ${found.length} sources have this name ` +
          `(${found.map((s) => s.id).join(", ")}); give the id`,
      );
    source = found[0];
  }
  if (source.type && source.type !== "DelimitedFile") {
    throw new Error(
      `source ${source.id} ("${source.name}") is of type ${source.type}; only flat-file (DelimitedFile) sources ` +
        `are supported`,
    );
  }
  const id = source.id ?? (isSourceId(idOrName) ? idOrName : undefined);
  if (!id) throw new Error(`--source ${JSON.stringify(idOrName)}: ISC answered with a source without an id`);
  return { source: { id, name: source.name ?? id }, schema: await getAccountSchema(client, id) };
}

/** Every account of a source: paged list calls (250 per call), sorted by id so offset paging stays consistent. */
export function sourceAccounts(
  client: IscClient,
  sourceId: string,
  onPage?: (scanned: number) => void,
): Promise<Account[]> {
  return client.paginate<Account>("listAccounts", {
    query: { filters: eq("sourceId", sourceId), sorters: "id" },
    onPage,
  });
}
