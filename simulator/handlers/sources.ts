/** Handlers of the source, schema, uncorrelated-accounts load and classification operations. */
import { pathParam, type ApiHandler, type ApiRequest } from "../api";
import { applyPaging, collectionHeaders, parseFilterParameter, parsePaging, parseSorters } from "../collection";
import { ApiError } from "../errors";
import { FormBodyError, multipartForm } from "../forms";
import { DELIMITED_FILE, type SourceRecord } from "../model";
import type { SimulatorServices } from "../services";
import { LOAD_TASK_DESCRIPTION, LOAD_TASK_NAME, startUncorrelatedLoad } from "../uncorrelated-load";
import { schemaViews, sourceView } from "../views";

export type SourceRoute =
  | "listSources"
  | "getSource"
  | "listSourceSchemas"
  | "getSourceSchema"
  | "loadUncorrelatedAccounts"
  | "startClassification"
  | "getClassification"
  | "cancelClassification";

const EXPERIMENTAL_HEADER = "x-sailpoint-experimental";

function requireExperimental(request: ApiRequest): void {
  if (String(request.headers[EXPERIMENTAL_HEADER] ?? "").toLowerCase() !== "true") {
    throw ApiError.badRequest("This API is experimental: send the header X-SailPoint-Experimental: true to use it");
  }
}

/** The source's id from the path: ISC calls it `id` in some paths and `sourceId` in others. */
function sourceIdOf(request: ApiRequest): string {
  return request.params.sourceId ?? pathParam(request, "id");
}

async function uploadedCsv(request: ApiRequest): Promise<string> {
  const contentType = request.headers["content-type"] ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw ApiError.badRequest('The request must be multipart/form-data with the CSV in the field "file"');
  }
  let form: FormData;
  try {
    form = await multipartForm(contentType, request.body);
  } catch (error) {
    if (error instanceof FormBodyError) throw ApiError.badRequest(error.message);
    throw error;
  }
  const file = form.get("file");
  if (file === null) throw ApiError.badRequest('The multipart/form-data body has no field "file"');
  return typeof file === "string" ? file : await file.text();
}

export function sourceHandlers(services: SimulatorServices): Record<SourceRoute, ApiHandler> {
  const { tenant, classifications } = services;

  /** The source, or an error with the status the operation's contract declares for "unknown". */
  const requireSource = (id: string, notFoundStatus: 400 | 404): SourceRecord => {
    const source = tenant.source(id);
    if (!source) throw new ApiError(notFoundStatus, `Source "${id}" not found`);
    return source;
  };

  return {
    listSources: (request) => {
      const paging = parsePaging(request.query);
      const strings = ["eq", "in", "sw"] as const;
      const filter = parseFilterParameter<SourceRecord>(request.query, {
        id: { type: "string", ops: ["eq", "in"], value: (s) => s.id },
        name: { type: "string", ops: strings, value: (s) => s.name },
        type: { type: "string", ops: ["eq", "in"], value: (s) => s.type },
      });
      const sorter = parseSorters<SourceRecord>(request.query, {
        id: (s) => s.id,
        name: (s) => s.name,
        type: (s) => s.type,
        created: (s) => s.created,
        modified: (s) => s.modified,
      });
      let sources = tenant.sourceList();
      if (filter) sources = sources.filter(filter.matches);
      if (sorter) sources.sort(sorter);
      const page = applyPaging(sources, paging);
      return {
        status: 200,
        body: page.items.map((source) => sourceView(tenant, source)),
        headers: collectionHeaders(page, paging),
      };
    },

    getSource: (request) => ({ status: 200, body: sourceView(tenant, requireSource(pathParam(request, "id"), 404)) }),

    listSourceSchemas: (request) => {
      const source = requireSource(sourceIdOf(request), 404);
      const includeTypes = request.query.get("include-types");
      if (includeTypes !== null && includeTypes !== "group" && includeTypes !== "user") {
        throw ApiError.badRequest(`include-types must be "group" or "user", got "${includeTypes}"`);
      }
      const includeNames = request.query.get("include-names");
      const names = includeNames === null ? undefined : includeNames.split(",").map((name) => name.trim());
      const schemas = schemaViews(source).filter(
        (schema) =>
          (includeTypes === null || (includeTypes === "user") === (schema.name === "account")) &&
          (names === undefined || names.includes(schema.name ?? "")),
      );
      return { status: 200, body: schemas };
    },

    getSourceSchema: (request) => {
      const source = requireSource(sourceIdOf(request), 404);
      const schemaId = pathParam(request, "schemaId");
      const schema = schemaViews(source).find((candidate) => candidate.id === schemaId);
      if (!schema) throw ApiError.notFound(`Schema "${schemaId}" not found on source "${source.id}"`);
      return { status: 200, body: schema };
    },

    loadUncorrelatedAccounts: async (request) => {
      const source = requireSource(sourceIdOf(request), 400);
      if (source.type !== DELIMITED_FILE) {
        throw ApiError.badRequest(
          `Uncorrelated accounts can only be loaded into DelimitedFile sources; source "${source.name}" is ` +
            `${source.type}`,
        );
      }
      const csv = await uploadedCsv(request);
      const taskId = startUncorrelatedLoad(services, source, csv, request.clientId);
      const created = services.tasks.status(taskId)?.created ?? new Date().toISOString();
      return {
        status: 202,
        body: {
          success: true,
          task: {
            id: taskId,
            type: "QUARTZ",
            name: LOAD_TASK_NAME,
            description: LOAD_TASK_DESCRIPTION,
            launcher: request.clientId,
            created,
            launched: created,
            completed: null,
            completionStatus: null,
            parentName: null,
            messages: [],
            progress: "Initializing...",
            attributes: { qpocJobId: taskId, taskStartDelay: null },
            returns: {},
          },
        },
      };
    },

    startClassification: (request) => {
      requireExperimental(request);
      const source = requireSource(sourceIdOf(request), 400);
      if (classifications.isRunning(source.id))
        throw ApiError.badRequest(`A classification of source "${source.id}" is already running`);
      const expected = tenant.visibleAccounts(Date.now(), { sourceIds: [source.id] }).length;
      classifications.start(source.id, expected);
      return { status: 200, body: { "Accounts submitted for processing": expected } };
    },

    getClassification: (request) => {
      requireExperimental(request);
      const source = requireSource(sourceIdOf(request), 404);
      const status = classifications.status(source.id);
      if (!status) throw ApiError.notFound(`Source "${source.id}" has never been classified`);
      return { status: 200, body: status };
    },

    cancelClassification: (request) => {
      requireExperimental(request);
      const source = requireSource(sourceIdOf(request), 400);
      if (!classifications.cancel(source.id))
        throw ApiError.badRequest(`No classification of source "${source.id}" is running`);
      return { status: 204 };
    },
  };
}
