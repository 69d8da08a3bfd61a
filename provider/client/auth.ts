/**
 * OAuth2 client_credentials tokens for ISC. One cache entry per tenant and client id, at module
 * level, so every client object in the process (one per Pulumi resource, say) shares one token
 * and one renewal. Known failure modes of other clients that this avoids: tokens never renewed in
 * long runs, a renewal per caller (thundering herd), and a failed renewal that leaves waiters hanging.
 */
import { createHash } from "node:crypto";
import type { AxiosInstance } from "axios";
import { apiErrorFromResponse, IscApiError, networkErrorFrom } from "./errors";
import { flatHeaders } from "./http";
import type { Layer } from "./pipeline";
import { describeSetting, type ConnectionSettings } from "./settings";

export interface TokenGrant {
  accessToken: string;
  expiresInSeconds: number;
}

export type TokenFetcher = () => Promise<TokenGrant>;

export interface TokenSource {
  /** A token valid for a while yet; fetches one (once, for all concurrent callers) when needed. */
  getToken(): Promise<string>;
  /** The API rejected `token` (401): forget it so the next getToken fetches a new one. */
  invalidate(token: string): void;
}

export const TOKEN_PATH = "/oauth/token";

/** Assumed lifetime when the token response has no usable `expires_in`. */
const DEFAULT_LIFETIME_S = 300;

/**
 * How long before expiry to renew: max(30 s, 10 %), but never more than half the lifetime, so a
 * short-lived token (a simulator's) is still reused instead of fetched for every request.
 */
export function renewalMarginMs(lifetimeMs: number): number {
  return Math.min(Math.max(30_000, lifetimeMs * 0.1), lifetimeMs / 2);
}

interface CacheEntry {
  token?: string;
  renewAt: number;
  inflight?: Promise<string>;
}

const cache = new Map<string, CacheEntry>();

/**
 * Keyed by tenant and client id; the secret's hash is part of the key so that a client holding a
 * wrong secret never borrows a token obtained with the right one (and fails as it should).
 */
function cacheKey(settings: ConnectionSettings): string {
  const secretHash = createHash("sha256").update(settings.clientSecret).digest("hex").slice(0, 16);
  return JSON.stringify([settings.baseUrl, settings.clientId, secretHash]);
}

export function tokenSourceFor(settings: ConnectionSettings, fetchToken: TokenFetcher): TokenSource {
  const key = cacheKey(settings);
  const entry = (): CacheEntry => {
    let e = cache.get(key);
    if (!e) {
      e = { renewAt: 0 };
      cache.set(key, e);
    }
    return e;
  };

  const renew = (e: CacheEntry): Promise<string> => {
    if (!e.inflight) {
      e.inflight = fetchToken().then(
        (grant) => {
          const lifetimeMs = grant.expiresInSeconds * 1000;
          e.token = grant.accessToken;
          e.renewAt = Date.now() + lifetimeMs - renewalMarginMs(lifetimeMs);
          e.inflight = undefined;
          return grant.accessToken;
        },
        (err: unknown) => {
          // Every waiter gets this error; the next getToken starts a fresh request.
          e.inflight = undefined;
          throw err;
        },
      );
    }
    return e.inflight;
  };

  return {
    getToken(): Promise<string> {
      const e = entry();
      if (e.token !== undefined && Date.now() < e.renewAt) return Promise.resolve(e.token);
      return renew(e);
    },
    invalidate(token: string): void {
      const e = entry();
      // Only the token that failed: concurrent 401s with the same stale token cause one renewal.
      if (e.token === token) {
        e.token = undefined;
        e.renewAt = 0;
      }
    },
  };
}

/** Forgets every cached token (tests; credential rotation). */
export function clearTokenCache(): void {
  cache.clear();
}

/** POST {baseUrl}/oauth/token with a form body; credentials never go into the URL. */
export function clientCredentialsFetcher(
  http: AxiosInstance,
  settings: ConnectionSettings,
  log: (line: string) => void,
): TokenFetcher {
  const secrets = [settings.clientSecret];
  return async () => {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
    });
    const started = Date.now();
    let res;
    try {
      res = await http.post(`${settings.baseUrl}${TOKEN_PATH}`, form.toString(), {
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      });
    } catch (err) {
      log(`ISC POST ${TOKEN_PATH} failed (${Date.now() - started} ms)`);
      throw networkErrorFrom(err, "POST", TOKEN_PATH, secrets, {
        baseUrl: settings.baseUrl,
        baseUrlOrigin: settings.origins?.baseUrl,
      });
    }
    log(`ISC POST ${TOKEN_PATH} ${res.status} ${Date.now() - started}ms`);
    const headers = flatHeaders(res.headers);
    if (res.status < 200 || res.status >= 300) {
      const error = apiErrorFromResponse(
        { method: "POST", path: TOKEN_PATH, status: res.status, body: res.data, headers },
        secrets,
      );
      // 400/401 from the token endpoint (`invalid_client`, ...) is about the credentials: say which settings, from
      // where.
      if (res.status !== 400 && res.status !== 401) throw error;
      const { method, path, status, detailCode, trackingId, messages } = error;
      throw new IscApiError({
        method,
        path,
        status,
        detailCode,
        trackingId,
        messages,
        hint: credentialsHint(settings),
      });
    }
    const body = (res.data ?? {}) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== "string" || body.access_token === "") {
      throw new IscApiError({
        method: "POST",
        path: TOKEN_PATH,
        status: res.status,
        messages: ["the token response has no access_token"],
      });
    }
    const expiresIn = Number(body.expires_in);
    return {
      accessToken: body.access_token,
      expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_LIFETIME_S,
    };
  };
}

function credentialsHint(settings: ConnectionSettings): string {
  return (
    `ISC did not accept the client credentials: check ${describeSetting(settings, "clientId")} and ` +
    `${describeSetting(settings, "clientSecret")}, and that they belong to the tenant at ${settings.baseUrl}`
  );
}

/**
 * The auth layer of the request path (see pipeline.ts). The token is taken by the transport right
 * before sending, after every wait, so a token fetched before a long rate-limit wait cannot expire
 * in the queue (ISC then answers "JWT is expired"). A 401 means ISC refused the request before
 * acting on it, so renewing the token and sending once more is safe for any request; a second 401
 * is an answer about the request, not the token.
 */
export function authLayer(tokens: TokenSource, onToken: (token: string) => void): Layer {
  return (next) => async (request) => {
    let used: string | undefined;
    const authorize = async () => {
      used = await tokens.getToken();
      onToken(used);
      return used;
    };
    const res = await next({ ...request, authorize });
    if (res.status !== 401 || used === undefined) return res;
    tokens.invalidate(used);
    return next({ ...request, authorize });
  };
}
