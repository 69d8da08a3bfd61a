/** Task status endpoints (v2025 or /task-status/v1; v3 has none). */
import { unlessNotFound } from "./errors";
import { chunkInValues, isIn } from "./filters";
import { MAX_PAGE_SIZE, type IscClient } from "./request";
import type { TaskStatus } from "./types";

export async function getTaskStatus(client: IscClient, id: string): Promise<TaskStatus | undefined> {
  return (await unlessNotFound(client.request<TaskStatus>("getTaskStatus", { params: { id } })))?.data;
}

/**
 * The statuses of many tasks, one request per chunk of at most 250 ids (`id in (...)`). Tasks
 * that ISC does not return (unknown, older than 90 days, not yet visible) are simply absent.
 */
export async function listTaskStatuses(client: IscClient, ids: Iterable<string>): Promise<TaskStatus[]> {
  const found: TaskStatus[] = [];
  for (const chunk of chunkInValues(ids)) {
    const { data } = await client.request<TaskStatus[]>("listTaskStatus", {
      query: { filters: isIn("id", chunk), limit: MAX_PAGE_SIZE },
    });
    if (!Array.isArray(data)) throw new Error("ISC listTaskStatus did not answer with a JSON array");
    found.push(...data);
  }
  return found;
}
