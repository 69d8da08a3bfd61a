/**
 * POST /oauth/token with grant_type=client_credentials; credentials in the form body or HTTP Basic.
 * Credentials in the URL query string are refused: real clients must never put secrets in URLs.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { ApiResponse } from "../api";
import { mediaType } from "../api";
import type { TenantStore } from "../tenant";
import type { TokenStore } from "../tokens";
import { randomHexId } from "../ids";

export interface TokenRequest {
  method: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface TokenSettings {
  tenant: TenantStore;
  tokens: TokenStore;
  tokenTtlSeconds: number;
  /** Lifetime actually enforced (the expiry fault may shorten it); `expires_in` still reports tokenTtlSeconds. */
  tokenLifetimeMs: () => number;
}

function oauthError(status: number, error: string, description: string): ApiResponse {
  return { status, body: { error, error_description: description }, headers: { "Cache-Control": "no-store" } };
}

function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function basicCredentials(headers: IncomingHttpHeaders): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(headers.authorization ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
}

export function handleTokenRequest(request: TokenRequest, settings: TokenSettings): ApiResponse {
  if (request.method !== "POST") return { ...oauthError(405, "invalid_request", "Use POST"), headers: { Allow: "POST" } };
  if (request.query.has("client_secret") || request.query.has("client_id")) {
    return oauthError(400, "invalid_request", "Client credentials must be sent in the request body or an Authorization header, never in the URL");
  }
  const type = mediaType(request.headers);
  if (type !== "" && type !== "application/x-www-form-urlencoded") {
    return oauthError(400, "invalid_request", "The body must be application/x-www-form-urlencoded");
  }
  const form = new URLSearchParams(request.body.toString("utf8"));
  if (form.get("grant_type") !== "client_credentials") {
    return oauthError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported");
  }
  const credentials = basicCredentials(request.headers) ?? { clientId: form.get("client_id") ?? "", clientSecret: form.get("client_secret") ?? "" };
  const client = settings.tenant.client(credentials.clientId);
  if (!client || !secretsEqual(client.clientSecret, credentials.clientSecret)) {
    return oauthError(401, "invalid_client", "Bad client credentials");
  }
  const accessToken = settings.tokens.issue(client.clientId, settings.tokenLifetimeMs());
  return {
    status: 200,
    headers: { "Cache-Control": "no-store" },
    body: {
      access_token: accessToken,
      token_type: "bearer",
      expires_in: settings.tokenTtlSeconds,
      scope: client.readOnly ? "sp:scopes:default" : "sp:scopes:all",
      tenant_id: "sim-tenant",
      pod: "sim",
      strong_auth_supported: false,
      org: "sim",
      claims_supported: false,
      internal: false,
      strong_auth: false,
      jti: randomHexId(),
    },
  };
}
