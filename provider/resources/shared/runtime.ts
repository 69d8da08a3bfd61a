/**
 * Process-wide state of the provider inside the Pulumi plugin: the connection settings from stack
 * config, and ONE client per process, so every resource shares the token cache, the rate limiter,
 * coalesced task polls and coalesced account reads. Pulumi knows this module; the client does not.
 */
import { isDeepStrictEqual } from "node:util";
import type * as pulumi from "@pulumi/pulumi";
import {
  createIscClient,
  DEFAULT_RATE_LIMIT,
  getAccountSchema,
  getSource,
  MAX_RETRY_AFTER_BOUND_SECONDS,
  resolveConnectionSettings,
  type ClientOptions,
  type ConnectionSettings,
  type ExplicitOrigin,
  type IscClient,
  type SettingHint,
} from "../../client";
import type { Source, SourceSchema } from "../../client/types";

/** Where each setting can be given, for error messages: stack config first, then environment. */
export const PULUMI_SETTING_HINTS: SettingHint = (setting, envVar) =>
  setting === "clientSecret"
    ? `set it with "pulumi config set --secret isc:clientSecret", or set ${envVar}`
    : `set "isc:${setting}" in stack config, or set ${envVar}`;

/** Values given in stack config are named so in auth and connection errors. */
export const PULUMI_SETTING_ORIGIN: ExplicitOrigin = (setting) => `stack config "isc:${setting}"`;

let configured: Partial<ConnectionSettings> = {};
let clientOptions: ClientOptions = {};
let client: IscClient | undefined;
const sourceCache = new Map<string, Promise<{ source: Source | undefined; schema: SourceSchema | undefined }>>();

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function positiveInteger(key: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${key} must be a positive whole number, got "${raw}"`);
  return value;
}

/**
 * Optional tuning from stack config: `isc:apiGeneration` ("versioned" | "per-service"),
 * `isc:requestsPerWindow` and `isc:rateLimitWindowMs` (client-side budget per API version;
 * default 95 per 10 000 ms, under ISC's 100), `isc:maxRetryAfterSeconds` (the longest 429 wait
 * sat out; default 120).
 */
export function clientOptionsFromConfig(get: (key: string) => string | undefined): ClientOptions {
  const options: ClientOptions = {
    settingNames: { generation: "isc:apiGeneration", maxRetryAfterSeconds: "isc:maxRetryAfterSeconds" },
  };
  const requested = get("isc:apiGeneration");
  if (requested !== undefined && requested !== "versioned" && requested !== "per-service") {
    throw new Error(`isc:apiGeneration must be "versioned" or "per-service", got "${requested}"`);
  }
  if (requested) options.generation = requested;
  const requests = positiveInteger("isc:requestsPerWindow", get("isc:requestsPerWindow"));
  const windowMs = positiveInteger("isc:rateLimitWindowMs", get("isc:rateLimitWindowMs"));
  if (requests !== undefined || windowMs !== undefined) {
    options.rateLimit = {
      requestsPerWindow: requests ?? DEFAULT_RATE_LIMIT.requestsPerWindow,
      windowMs: windowMs ?? DEFAULT_RATE_LIMIT.windowMs,
    };
  }
  const maxRetryAfter = positiveInteger("isc:maxRetryAfterSeconds", get("isc:maxRetryAfterSeconds"));
  if (maxRetryAfter !== undefined && maxRetryAfter > MAX_RETRY_AFTER_BOUND_SECONDS) {
    throw new Error(
      `isc:maxRetryAfterSeconds must be at most ${MAX_RETRY_AFTER_BOUND_SECONDS}, got "${maxRetryAfter}"`,
    );
  }
  if (maxRetryAfter !== undefined) options.maxRetryAfterSeconds = maxRetryAfter;
  return options;
}

/** The settings of the first configure() in this process; undefined until then. */
let configuredFrom: { settings: Partial<ConnectionSettings>; options: ClientOptions } | undefined;

/**
 * Called from each dynamic provider's `configure()` with the stack config. The plugin configures every distinct
 * `__provider` text once (Account, UncorrelatedAccountsLoad, SourceClassification: one call each, while other
 * resources may be in flight), so a call with the same settings keeps the client, its token cache and its rate
 * limiter; one process serves one stack, so different settings are a mistake and fail loudly.
 */
export function configureFromStack(config: pulumi.dynamic.Config): void {
  const settings: Partial<ConnectionSettings> = {
    baseUrl: nonEmpty(config.get("isc:baseUrl")),
    clientId: nonEmpty(config.get("isc:clientId")),
    clientSecret: nonEmpty(config.get("isc:clientSecret")),
  };
  const options = clientOptionsFromConfig((key) => nonEmpty(config.get(key)));
  if (configuredFrom) {
    const changed = [
      ...(["baseUrl", "clientId", "clientSecret"] as const)
        .filter((k) => configuredFrom!.settings[k] !== settings[k])
        .map((k) => `isc:${k}`),
      ...(isDeepStrictEqual(configuredFrom.options, options)
        ? []
        : ["client options (isc:apiGeneration, isc:requestsPerWindow, isc:rateLimitWindowMs)"]),
    ];
    if (changed.length === 0) return;
    // Names only: values may be secrets.
    throw new Error(
      `the ISC provider was already configured in this process with other settings (${changed.join(", ")} differ); ` +
        `one plugin process serves one stack`,
    );
  }
  configuredFrom = { settings, options };
  configured = settings;
  clientOptions = options;
}

/**
 * Forgets the settings, the client and the source cache. For in-process tests that run several configurations
 * in one process; the plugin never calls it.
 */
export function resetProviderRuntime(): void {
  configuredFrom = undefined;
  configured = {};
  clientOptions = {};
  client = undefined;
  sourceCache.clear();
}

/** The shared client; settings are resolved on first use so that offline checks need none. */
export function iscClient(): IscClient {
  if (!client) {
    const settings = resolveConnectionSettings(configured, process.env, PULUMI_SETTING_HINTS, PULUMI_SETTING_ORIGIN);
    client = createIscClient(settings, clientOptions);
  }
  return client;
}

/** True when enough settings exist to talk to ISC (check-time schema validation is optional). */
export function hasConnectionSettings(): boolean {
  try {
    resolveConnectionSettings(configured, process.env, PULUMI_SETTING_HINTS);
    return true;
  } catch {
    return false;
  }
}

/** The source and its account schema, read once per source per plugin process (i.e. per run). */
export function sourceWithSchema(
  sourceId: string,
): Promise<{ source: Source | undefined; schema: SourceSchema | undefined }> {
  let cached = sourceCache.get(sourceId);
  if (!cached) {
    const c = iscClient();
    cached = (async () => {
      const source = await getSource(c, sourceId);
      const schema = source ? await getAccountSchema(c, sourceId) : undefined;
      return { source, schema };
    })();
    cached.catch(() => sourceCache.delete(sourceId));
    sourceCache.set(sourceId, cached);
  }
  return cached;
}
