/** Source jobs: load uncorrelated accounts from a CSV file, and machine-account classification. */
import { unlessNotFound } from "./errors";
import type { IscClient } from "./request";
import type { ClassifySubmitResult, LoadUncorrelatedAccountsTask, SourceClassificationStatus } from "./types";

/** multipart/form-data with the CSV in field `file`. Creates accounts, so never repeated blindly. */
export async function loadUncorrelatedAccounts(
  client: IscClient,
  sourceId: string,
  csv: Buffer | string,
  fileName = "accounts.csv",
): Promise<LoadUncorrelatedAccountsTask> {
  const form = new FormData();
  form.append("file", new Blob([csv], { type: "text/csv" }), fileName);
  const { data } = await client.request<LoadUncorrelatedAccountsTask>("loadUncorrelatedAccounts", {
    params: { id: sourceId },
    body: form,
  });
  return data;
}

export async function startClassification(client: IscClient, sourceId: string): Promise<ClassifySubmitResult> {
  const { data } = await client.request<ClassifySubmitResult>("startClassification", { params: { sourceId } });
  return data;
}

export async function getClassification(
  client: IscClient,
  sourceId: string,
): Promise<SourceClassificationStatus | undefined> {
  return (
    await unlessNotFound(client.request<SourceClassificationStatus>("getClassification", { params: { sourceId } }))
  )?.data;
}

export async function cancelClassification(client: IscClient, sourceId: string): Promise<void> {
  await client.request<unknown>("cancelClassification", { params: { sourceId } });
}
