/**
 * POST /oauth/token with grant_type=client_credentials. SailPoint's authentication docs send the form
 * as multipart/form-data (their curl example uses `--form`, and the official SDKs send multipart) and
 * also accept application/x-www-form-urlencoded and parameters in the query string (FIELD-NOTES,
 * "Token request forms"); HTTP Basic client authentication (RFC 6749 §2.3.1) works too. A parameter in
 * the body wins over the same one in the query. The request log redacts secret query values.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { ApiResponse } from "../api";
import { FormBodyError, formFields } from "../forms";
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
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon)),
    clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

/** Each parameter from the form body, else from the query string. */
function tokenParameters(body: URLSearchParams, query: URLSearchParams): (name: string) => string | undefined {
  return (name) => body.get(name) ?? query.get(name) ?? undefined;
}

export async function handleTokenRequest(request: TokenRequest, settings: TokenSettings): Promise<ApiResponse> {
  if (request.method !== "POST")
    return { ...oauthError(405, "invalid_request", "Use POST"), headers: { Allow: "POST" } };
  let body: URLSearchParams | undefined;
  try {
    body = await formFields(request.headers, request.body);
  } catch (error) {
    if (error instanceof FormBodyError) return oauthError(400, "invalid_request", error.message);
    throw error;
  }
  if (body === undefined) {
    return oauthError(
      400,
      "invalid_request",
      "The body must be multipart/form-data or application/x-www-form-urlencoded",
    );
  }
  const parameter = tokenParameters(body, request.query);
  if (parameter("grant_type") !== "client_credentials") {
    return oauthError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported");
  }
  const credentials = basicCredentials(request.headers) ?? {
    clientId: parameter("client_id") ?? "",
    clientSecret: parameter("client_secret") ?? "",
  };
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
