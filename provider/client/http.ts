/** The axios instance of one client, the transport that ends the request path, and their helpers. */
import * as http from "node:http";
import * as https from "node:https";
import axios, { type AxiosInstance } from "axios";
import { networkErrorFrom, type ConnectionTarget } from "./errors";
import type { IscResponse, PreparedRequest, Send } from "./pipeline";

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
    // Axios header values are strings, numbers or booleans.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
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

export interface TransportOptions {
  target: ConnectionTarget;
  /** Values to redact from error texts (the secret, tokens seen). */
  secrets: () => ReadonlyArray<string | undefined>;
  /** One line per request: method, path, status or error code, duration. */
  log: (line: string) => void;
  /** Called once per request put on the wire (token requests not included). */
  onSent: (request: PreparedRequest) => void;
}

/**
 * The bottom of the request path: takes the token (request.authorize) at the last moment, sends,
 * and turns what axios threw into an IscNetworkError that names the request and, when no
 * connection could be made, what to check.
 */
export function transport(client: AxiosInstance, options: TransportOptions): Send {
  return async (request) => {
    const { route, url, opts } = request;
    const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
    if (route.experimental) headers["X-SailPoint-Experimental"] = "true";
    // A FormData body gets its multipart content type, with the boundary, from axios.
    if (opts.body !== undefined && !(opts.body instanceof FormData))
      headers["Content-Type"] = opts.contentType ?? "application/json";
    if (request.authorize) headers["Authorization"] = `Bearer ${await request.authorize()}`;
    options.onSent(request);
    const started = Date.now();
    let res;
    try {
      res = await client.request({
        method: route.method,
        url,
        data: opts.body,
        headers,
        ...(route.creates ? FRESH_CONNECTION : {}),
      });
    } catch (err) {
      const error = networkErrorFrom(err, route.method, route.path, options.secrets(), options.target);
      options.log(`ISC ${route.method} ${route.path} ${error.code} ${Date.now() - started}ms`);
      throw error;
    }
    options.log(`ISC ${route.method} ${route.path} ${res.status} ${Date.now() - started}ms`);
    return {
      status: res.status,
      data: res.data,
      headers: flatHeaders(res.headers),
    } satisfies IscResponse<unknown>;
  };
}
