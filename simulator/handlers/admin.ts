/**
 * The test/admin surface under /__sim/ (no ISC auth): state, seed, request log, faults, token
 * expiry and out-of-band account changes. Bodies and answers are the SimulatorAdmin shapes.
 */
import { isPlainObject, type ApiResponse } from "../api";
import { SimulatorAdminError } from "../admin";
import { errorResponseBody } from "../errors";
import { FaultConfigError, type FaultInjector } from "../faults";
import type { RequestLog } from "../request-log";
import type { AdminAccountInput, SimulatorAdmin } from "../types";

export interface AdminHttpContext {
  admin: SimulatorAdmin;
  faults: FaultInjector;
  completeTasks(): number;
  holdTasks(hold: boolean): void;
  requestLog: RequestLog;
  expireAllTokens(): void;
}

export interface AdminRequest {
  method: string;
  /** Path below /__sim, e.g. "/accounts/abc". */
  path: string;
  query: URLSearchParams;
  body: Buffer;
}

class AdminBadRequest extends Error {}

function json(request: AdminRequest): Record<string, unknown> {
  const text = request.body.toString("utf8");
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new AdminBadRequest("The body is not valid JSON");
  }
  if (!isPlainObject(value)) throw new AdminBadRequest("The body must be a JSON object");
  return value;
}

function error(status: number, message: string): ApiResponse {
  return { status, body: errorResponseBody(message, status === 404 ? "404 Not found" : `${status}`) };
}

function route(request: AdminRequest, context: AdminHttpContext): ApiResponse {
  const { admin, faults, requestLog } = context;
  const { method, path } = request;
  const accountMatch = /^\/accounts\/([^/]+)$/.exec(path);
  const accountId = accountMatch ? decodeURIComponent(accountMatch[1]) : undefined;

  if (path === "/state" && method === "GET") return { status: 200, body: admin.state() };
  if (path === "/seed" && method === "POST") {
    admin.seed(json(request));
    return { status: 204 };
  }
  if (path === "/requests" && method === "GET") return { status: 200, body: requestLog.list() };
  if (path === "/requests" && method === "DELETE") {
    requestLog.clear();
    return { status: 204 };
  }
  if (path === "/faults" && method === "GET") return { status: 200, body: faults.config };
  if (path === "/faults" && method === "POST") {
    faults.set(json(request));
    return { status: 200, body: faults.config };
  }
  if (path === "/faults" && method === "DELETE") {
    faults.reset();
    return { status: 204 };
  }
  if (path === "/tasks/complete" && method === "POST")
    return { status: 200, body: { completed: context.completeTasks() } };
  if (path === "/tasks/hold" && method === "POST") {
    const { hold } = json(request);
    if (typeof hold !== "boolean") throw new AdminBadRequest("hold must be true or false");
    context.holdTasks(hold);
    return { status: 204 };
  }
  if (path === "/tokens/expire" && method === "POST") {
    context.expireAllTokens();
    return { status: 204 };
  }
  if (path === "/accounts" && method === "GET")
    return { status: 200, body: admin.listAccounts(request.query.get("sourceId") ?? undefined) };
  if (path === "/accounts" && method === "POST")
    return { status: 201, body: admin.createAccount(json(request) as unknown as AdminAccountInput) };
  if (accountId !== undefined && method === "GET") {
    const account = admin.getAccount(accountId);
    return account ? { status: 200, body: account } : error(404, `Account "${accountId}" not found`);
  }
  if (accountId !== undefined && method === "PATCH")
    return { status: 200, body: admin.updateAccount(accountId, json(request)) };
  if (accountId !== undefined && method === "DELETE") {
    return admin.deleteAccount(accountId) ? { status: 204 } : error(404, `Account "${accountId}" not found`);
  }
  return error(404, `No simulator admin operation ${method} /__sim${path}`);
}

export function handleAdminRequest(request: AdminRequest, context: AdminHttpContext): ApiResponse {
  try {
    return route(request, context);
  } catch (caught) {
    if (caught instanceof SimulatorAdminError) return error(caught.status, caught.message);
    if (caught instanceof FaultConfigError || caught instanceof AdminBadRequest) return error(400, caught.message);
    throw caught;
  }
}
