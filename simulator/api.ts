/** What an operation handler receives and answers, independent of node's http objects. */
import type { IncomingHttpHeaders } from "node:http";
import type { ApiGeneration, RouteName } from "../provider/client/routes";
import { ApiError } from "./errors";

export interface ApiRequest {
  route: RouteName;
  generation: ApiGeneration;
  method: string;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  clientId: string;
}

export interface ApiResponse {
  status: number;
  /** Serialized as JSON; undefined means no body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type ApiHandler = (request: ApiRequest) => ApiResponse | Promise<ApiResponse>;

/** The media type of a request without parameters, lowercased ("" when absent). */
export function mediaType(headers: IncomingHttpHeaders): string {
  return (headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

/** The JSON body, or `fallback` for an empty body; invalid JSON is a 400. */
export function jsonBody(request: ApiRequest, fallback?: unknown): unknown {
  const text = request.body.toString("utf8");
  if (text.trim() === "") {
    if (fallback !== undefined) return fallback;
    throw ApiError.badRequest("A request body is required");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw ApiError.badRequest("The request body is not valid JSON");
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The path parameter `name`; ISC names source ids `id` in some paths and `sourceId` in others. */
export function pathParam(request: ApiRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined) throw new Error(`route ${request.route} has no path parameter ${name}`);
  return value;
}
