/**
 * Where the client gets its tenant URL and credentials: an explicit value wins, else the
 * environment (SAIL_* variables, as SailPoint's own CLI and SDKs use).
 */
import { isIP } from "node:net";
import { ConfigurationError } from "./errors";

export interface ConnectionSettings {
  /** Tenant API root, e.g. `https://acme.api.identitynow.com` (no trailing slash). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /**
   * Where each value was read from (e.g. `stack config "isc:clientId"`, `environment variable
   * SAIL_CLIENT_ID`), so that an authentication or connection error can say what to check.
   */
  origins?: Readonly<Record<SettingName, string>>;
}

export type SettingName = "baseUrl" | "clientId" | "clientSecret";

export const SETTING_ENV_VARS: Readonly<Record<SettingName, string>> = {
  baseUrl: "SAIL_BASE_URL",
  clientId: "SAIL_CLIENT_ID",
  clientSecret: "SAIL_CLIENT_SECRET",
};

/**
 * Tells the user where to set a setting, for error messages: the Pulumi layer says
 * `set isc:clientSecret or SAIL_CLIENT_SECRET`, the CLI says `use --client-secret or SAIL_CLIENT_SECRET`.
 */
export type SettingHint = (setting: SettingName, envVar: string) => string;

export const envVarHint: SettingHint = (_setting, envVar) => `set ${envVar}`;

/** How the caller names an explicitly given value, e.g. `stack config "isc:baseUrl"` or `--base-url`. */
export type ExplicitOrigin = (setting: SettingName) => string;

export const explicitArgumentOrigin: ExplicitOrigin = (setting) => `the explicit ${setting} setting`;

/** Example of a valid base URL, quoted in errors. */
export const BASE_URL_EXAMPLE = "https://{tenant}.api.identitynow.com";

export function resolveConnectionSettings(
  explicit: Partial<ConnectionSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
  hint: SettingHint = envVarHint,
  explicitOrigin: ExplicitOrigin = explicitArgumentOrigin,
): ConnectionSettings {
  const origins: Record<SettingName, string> = { baseUrl: "", clientId: "", clientSecret: "" };
  const given = (v: string | undefined): v is string => typeof v === "string" && v.trim() !== "";
  const pick = (name: SettingName): string => {
    const fromEnv = env[SETTING_ENV_VARS[name]];
    const explicitValue = explicit[name];
    if (given(explicitValue)) {
      origins[name] = explicitOrigin(name);
      return explicitValue.trim();
    }
    if (given(fromEnv)) {
      origins[name] = `environment variable ${SETTING_ENV_VARS[name]}`;
      return fromEnv.trim();
    }
    throw settingError(name, "Missing ISC setting", hint);
  };
  const baseUrl = normaliseBaseUrl(pick("baseUrl"), hint);
  const clientId = pick("clientId");
  const clientSecret = pick("clientSecret");
  if (/[\s\u0000-\u001f]/.test(clientId))
    throw settingError("clientId", "Malformed ISC setting", hint, "it contains whitespace or control characters");
  if (/[\u0000-\u001f]/.test(clientSecret)) {
    // Say what is wrong without echoing the value.
    throw settingError("clientSecret", "Malformed ISC setting", hint, "it contains control characters");
  }
  return { baseUrl, clientId, clientSecret, origins };
}

/** `clientId (read from environment variable SAIL_CLIENT_ID)`, or just the name when the origin is unknown. */
export function describeSetting(settings: ConnectionSettings, name: SettingName): string {
  const origin = settings.origins?.[name];
  return origin ? `${name} (read from ${origin})` : name;
}

function settingError(name: SettingName, what: string, hint: SettingHint, problem?: string): ConfigurationError {
  return new ConfigurationError(
    `${what} "${name}"${problem ? `: ${problem}` : ""} (${hint(name, SETTING_ENV_VARS[name])})`,
  );
}

/**
 * An absolute http(s) URL without path, query, fragment or credentials; plain http only to loopback
 * (the simulator), because the bearer token and the client secret travel in these requests. A path
 * (e.g. a trailing `/v3`) is refused: the client adds the API paths itself, and ISC answers a
 * doubled `/v3/v3/...` with a misleading 401 "Full authentication is required".
 */
function normaliseBaseUrl(raw: string, hint: SettingHint): string {
  const fail = (problem: string) => settingError("baseUrl", "Malformed ISC setting", hint, problem);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail(`it is not an absolute URL (expected ${BASE_URL_EXAMPLE})`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw fail(`protocol "${url.protocol}" is not http(s)`);
  if (url.username !== "" || url.password !== "")
    throw fail("it must not contain user info (credentials belong in clientId/clientSecret)");
  if (url.search !== "" || raw.includes("?")) throw fail("it must not contain a query string");
  if (url.hash !== "" || raw.includes("#")) throw fail("it must not contain a fragment");
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw fail(
      `plain http is only allowed for loopback hosts (localhost, 127.0.0.0/8, [::1]); use https for ${url.hostname}`,
    );
  }
  if (url.pathname.replace(/\/+$/, "") !== "") {
    throw fail(`it must not contain a path ("${url.pathname}"): give the tenant's API root, e.g. ${BASE_URL_EXAMPLE}`);
  }
  return url.origin;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.split(".")[0] === "127";
  if (isIP(host) === 6) return host === "::1";
  return false;
}
