/** The axios instance of one client, and the few helpers to talk to it without leaking its errors. */
import * as http from "node:http";
import * as https from "node:https";
import axios, { type AxiosInstance } from "axios";

export interface HttpOptions {
  timeoutMs: number;
  userAgent: string;
}

/**
 * Keep-alive agents (a tenant sees many small requests), every status resolved rather than thrown
 * (the client maps statuses to its own errors), and no redirects: a redirect would re-send the
 * bearer token to wherever the Location points.
 */
export function createHttp(options: HttpOptions): AxiosInstance {
  return axios.create({
    timeout: options.timeoutMs,
    validateStatus: () => true,
    maxRedirects: 0,
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
    headers: { "User-Agent": options.userAgent },
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: true },
  });
}

/**
 * Per-request agents without keep-alive. A pooled socket that the server closed while idle fails
 * with ECONNRESET when reused: harmless for a read (retried), but for a creating POST it would be
 * indistinguishable from a reset after ISC received the request. On a fresh connection, a refusal
 * is a clean ECONNREFUSED and a reset really means the outcome is unknown.
 */
export const FRESH_CONNECTION = {
  httpAgent: new http.Agent({ keepAlive: false }),
  httpsAgent: new https.Agent({ keepAlive: false }),
} as const;

/** Axios headers as a plain lower-case name -> string record. */
export function flatHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}

export type QueryValues = Record<string, string | number | boolean | undefined>;

/**
 * `?a=1&b=x%20y`: RFC 3986 percent-encoding (spaces as %20, not `+`), so filter expressions reach
 * ISC exactly as built and their encoded length can be measured in advance.
 */
export function queryString(query: QueryValues | undefined): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length > 0 ? `?${parts.join("&")}` : "";
}
