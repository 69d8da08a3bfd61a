/** Source endpoints: the source itself and its schemas (the account schema names identityAttribute). */
import { unlessNotFound } from "./errors";
import type { IscClient } from "./request";
import type { Source, SourceSchema } from "./types";

export async function getSource(client: IscClient, id: string): Promise<Source | undefined> {
  return (await unlessNotFound(client.request<Source>("getSource", { params: { id } })))?.data;
}

export async function listSourceSchemas(client: IscClient, sourceId: string): Promise<SourceSchema[]> {
  const { data } = await client.request<SourceSchema[]>("listSourceSchemas", { params: { sourceId } });
  if (!Array.isArray(data))
    throw new Error(`ISC listSourceSchemas for source ${sourceId} did not answer with a JSON array`);
  return data;
}

/** The schema whose nativeObjectType (or, failing that, name) is "account"; undefined if none. */
export async function getAccountSchema(client: IscClient, sourceId: string): Promise<SourceSchema | undefined> {
  const schemas = await listSourceSchemas(client, sourceId);
  return schemas.find((s) => s.nativeObjectType === "account") ?? schemas.find((s) => s.name === "account");
}
