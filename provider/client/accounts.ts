/** Account endpoints (/v3/accounts or /accounts/v1). Calls that start a task return its id. */
import { unlessNotFound } from "./errors";
import type { IscClient, IscResponse } from "./request";
import type {
  Account,
  AccountAttributes,
  AccountAttributesCreate,
  AccountsAsyncResult,
  AccountToggleRequest,
  AccountUnlockRequest,
  Entitlement,
  JsonPatchOperation,
} from "./types";

export interface ListAccountsQuery {
  /** An ISC filter expression; build it with filters.ts. */
  filters?: string;
  sorters?: string;
}

/** All accounts matching the query, every page. */
export function listAccounts(client: IscClient, query: ListAccountsQuery = {}): Promise<Account[]> {
  return client.paginate<Account>("listAccounts", { query: { filters: query.filters, sorters: query.sorters } });
}

export async function getAccount(client: IscClient, id: string): Promise<Account | undefined> {
  const res = await unlessNotFound(client.request<Account>("getAccount", { params: { id } }));
  return res?.data;
}

/**
 * POST /accounts. The answer's id is a TASK id, not the account's: after the task finishes, find
 * the account by sourceId + nativeIdentity. Never retried blindly (see retry.ts).
 */
export async function createAccount(client: IscClient, body: AccountAttributesCreate): Promise<string> {
  return taskIdOf(await client.request<AccountsAsyncResult>("createAccount", { body }), "createAccount");
}

/** PUT /accounts/{id} (flat-file sources only): replaces the attributes. */
export async function putAccount(client: IscClient, id: string, body: AccountAttributes): Promise<string> {
  return taskIdOf(await client.request<AccountsAsyncResult>("putAccount", { params: { id }, body }), "putAccount");
}

/** PATCH /accounts/{id}: answers 202 without a task id; poll the account until the change shows. */
export async function patchAccount(client: IscClient, id: string, ops: JsonPatchOperation[]): Promise<void> {
  await client.request<unknown>("patchAccount", {
    params: { id },
    body: ops,
    contentType: "application/json-patch+json",
  });
}

/** DELETE /accounts/{id}: the task id, or undefined when the account is already gone. */
export async function deleteAccount(client: IscClient, id: string): Promise<string | undefined> {
  const res = await unlessNotFound(client.request<AccountsAsyncResult>("deleteAccount", { params: { id } }));
  return res === undefined ? undefined : taskIdOf(res, "deleteAccount");
}

export async function enableAccount(client: IscClient, id: string, body: AccountToggleRequest = {}): Promise<string> {
  return taskIdOf(
    await client.request<AccountsAsyncResult>("enableAccount", { params: { id }, body }),
    "enableAccount",
  );
}

export async function disableAccount(client: IscClient, id: string, body: AccountToggleRequest = {}): Promise<string> {
  return taskIdOf(
    await client.request<AccountsAsyncResult>("disableAccount", { params: { id }, body }),
    "disableAccount",
  );
}

export async function unlockAccount(client: IscClient, id: string, body: AccountUnlockRequest = {}): Promise<string> {
  return taskIdOf(
    await client.request<AccountsAsyncResult>("unlockAccount", { params: { id }, body }),
    "unlockAccount",
  );
}

export async function reloadAccount(client: IscClient, id: string): Promise<string> {
  return taskIdOf(await client.request<AccountsAsyncResult>("reloadAccount", { params: { id } }), "reloadAccount");
}

export function listAccountEntitlements(client: IscClient, id: string): Promise<Entitlement[]> {
  return client.paginate<Entitlement>("listAccountEntitlements", { params: { id } });
}

/**
 * A 2xx answer to a task-starting call that carries no task id (a gateway page, a changed API): ISC
 * accepted the request, so what it asked for may well be under way or done.
 */
export class TaskIdMissingError extends Error {
  override readonly name = "TaskIdMissingError";
  constructor(
    readonly call: string,
    readonly status: number,
  ) {
    super(`ISC ${call} answered ${status} without a task id`);
  }
}

/** The task id an answer carries; calls that start a task all answer `{id}`. */
export function taskIdOf(res: IscResponse<AccountsAsyncResult>, call: string): string {
  const id = res.data?.id;
  if (typeof id !== "string" || id === "") throw new TaskIdMissingError(call, res.status);
  return id;
}
