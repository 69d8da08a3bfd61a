/** Handlers of the v2025 / task-status/v1 operations. */
import type { TaskStatus } from "../../provider/client/types";
import { pathParam, type ApiHandler } from "../api";
import { applyPaging, collectionHeaders, parseFilterParameter, parsePaging, parseSorters } from "../collection";
import { ApiError } from "../errors";
import { pinnedValues } from "../filters";
import type { SimulatorServices } from "../services";

export type TaskRoute = "getTaskStatus" | "listTaskStatus";

interface ListedTask {
  status: TaskStatus;
  sourceId?: string;
}

export function taskHandlers(services: SimulatorServices): Record<TaskRoute, ApiHandler> {
  const { tasks } = services;
  return {
    getTaskStatus: (request) => {
      const id = pathParam(request, "id");
      const status = tasks.status(id);
      if (!status) throw ApiError.notFound(`TaskStatus "${id}" not found`);
      tasks.notePolled([id]);
      return { status: 200, body: status };
    },

    listTaskStatus: (request) => {
      const paging = parsePaging(request.query);
      // No `type` field: ISC rejects a task-list filter on type with 400 (FIELD-NOTES, "Task `type` is always QUARTZ").
      const filter = parseFilterParameter<ListedTask>(request.query, {
        id: { type: "string", ops: ["eq", "in"], value: (t) => t.status.id },
        sourceId: { type: "string", ops: ["eq", "in"], value: (t) => t.sourceId },
        completionStatus: { type: "string", ops: ["eq", "in", "isnull"], value: (t) => t.status.completionStatus },
      });
      const sorter = parseSorters<ListedTask>(request.query, { created: (t) => t.status.created });
      let listed = tasks.list(filter ? pinnedValues(filter.node, "id") : undefined);
      if (filter) listed = listed.filter(filter.matches);
      if (sorter) listed.sort(sorter);
      const page = applyPaging(listed, paging);
      tasks.notePolled(page.items.map((t) => t.status.id));
      return { status: 200, body: page.items.map((t) => t.status), headers: collectionHeaders(page, paging) };
    },
  };
}
