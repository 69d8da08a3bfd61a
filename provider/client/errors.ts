/**
 * Errors of the ISC client. Each one is built from whitelisted fields only (method, path, status,
 * server message texts, ids) and never wraps a raw axios error: those carry the request config,
 * including the Authorization header and the token request's form body with the client secret.
 */
import { STATUS_CODES } from "node:http";
import type { Layer } from "./pipeline";
import { parseRetryAfter } from "./throttle";
import type { ErrorResponseDto, TaskCompletionStatus } from "./types";

/** Replaces every occurrence of each secret (ignoring empty ones) with `[REDACTED]`. */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  }
  return out;
}

/** A setting is missing or malformed (client id, secret, base URL, options). */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
}

export interface IscApiErrorFields {
  method: string;
  path: string;
  status: number;
  detailCode?: string;
  trackingId?: string;
  messages: string[];
  retryAfterSeconds?: number;
  /** What the user should check, appended to the message (e.g. which settings a 401 is about). */
  hint?: string;
}

/** ISC answered with an HTTP error status. */
export class IscApiError extends Error implements IscApiErrorFields {
  override readonly name = "IscApiError";
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly detailCode?: string;
  readonly trackingId?: string;
  readonly messages: string[];
  readonly retryAfterSeconds?: number;

  constructor(fields: IscApiErrorFields) {
    super(formatApiErrorMessage(fields));
    this.method = fields.method;
    this.path = fields.path;
    this.status = fields.status;
    this.messages = [...fields.messages];
    if (fields.detailCode !== undefined) this.detailCode = fields.detailCode;
    if (fields.trackingId !== undefined) this.trackingId = fields.trackingId;
    if (fields.retryAfterSeconds !== undefined) this.retryAfterSeconds = fields.retryAfterSeconds;
  }
}

function formatApiErrorMessage(f: IscApiErrorFields): string {
  const statusText = STATUS_CODES[f.status] ?? "Unknown Status";
  const texts = f.messages.length > 0 ? `: ${f.messages.join("; ")}` : "";
  const refs = [
    f.detailCode ? `detailCode: ${f.detailCode}` : undefined,
    f.trackingId ? `trackingId: ${f.trackingId}` : undefined,
    f.retryAfterSeconds !== undefined ? `retry after ${f.retryAfterSeconds} s` : undefined,
  ].filter((r): r is string => r !== undefined);
  const refText = refs.length > 0 ? ` (${refs.join("; ")})` : "";
  return (
    `ISC ${f.method} ${f.path} failed with ${f.status} ` +
    `${statusText}${texts}${refText}${f.hint ? `. ${f.hint}` : ""}`
  );
}

export interface HttpErrorResponse {
  method: string;
  path: string;
  status: number;
  body: unknown;
  headers: Readonly<Record<string, string>>;
}

/**
 * Builds an IscApiError from an error response: ErrorResponseDto, the 401 `{error}` body, the
 * 429 `{message}` body or plain text all end up as message texts. `secrets` are redacted from the
 * texts in case a server or proxy echoes part of the request.
 */
export function apiErrorFromResponse(
  res: HttpErrorResponse,
  secrets: ReadonlyArray<string | undefined> = [],
): IscApiError {
  const { messages, detailCode, trackingId } = readErrorBody(res.body);
  const retryAfterSeconds = parseRetryAfter(res.headers["retry-after"]);
  const clean = (s: string | undefined) => (s === undefined ? undefined : redactSecrets(s, secrets));
  return new IscApiError({
    method: res.method,
    path: res.path,
    status: res.status,
    detailCode: clean(detailCode),
    trackingId: clean(trackingId),
    messages: messages.map((m) => redactSecrets(m, secrets)),
    retryAfterSeconds,
  });
}

/** The error-mapping layer of the request path: any answer outside 2xx becomes an IscApiError. */
export function errorLayer(secrets: () => ReadonlyArray<string | undefined>): Layer {
  return (next) => async (request) => {
    const res = await next(request);
    if (res.status >= 200 && res.status < 300) return res;
    const { method, path } = request.route;
    throw apiErrorFromResponse({ method, path, status: res.status, body: res.data, headers: res.headers }, secrets());
  };
}

const MAX_TEXT_BODY_CHARS = 200;

function readErrorBody(body: unknown): { messages: string[]; detailCode?: string; trackingId?: string } {
  if (typeof body === "string") {
    const text = body.replace(/\s+/g, " ").trim();
    return {
      messages: text ? [text.length > MAX_TEXT_BODY_CHARS ? `${text.slice(0, MAX_TEXT_BODY_CHARS)}…` : text] : [],
    };
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return { messages: [] };
  const dto = body as ErrorResponseDto & { error?: unknown; message?: unknown };
  const texts: string[] = [];
  texts.push(...preferredTexts(dto.messages));
  texts.push(...preferredTexts(dto.causes));
  if (typeof dto.error === "string") texts.push(dto.error);
  if (typeof dto.message === "string") texts.push(dto.message);
  return {
    messages: [...new Set(texts.filter((t) => t.trim() !== ""))],
    detailCode: typeof dto.detailCode === "string" ? dto.detailCode : undefined,
    trackingId: typeof dto.trackingId === "string" ? dto.trackingId : undefined,
  };
}

/** ISC often repeats one message in several locales: keep the English ones when there are any. */
function preferredTexts(list: ErrorResponseDto["messages"]): string[] {
  if (!Array.isArray(list)) return [];
  const withText = list.filter((m) => m && typeof m.text === "string");
  const english = withText.filter((m) => typeof m.locale === "string" && m.locale.toLowerCase().startsWith("en"));
  return (english.length > 0 ? english : withText).map((m) => m.text as string);
}

/**
 * Why a connection could not be made, when it could not: nothing was sent, and waiting rarely
 * helps (`refused`: nothing listens there; `dns`: no such host; `tls`: not a TLS server, or a
 * certificate that does not fit).
 */
export type ConnectFailure = "refused" | "unreachable" | "dns" | "tls";

const CONNECT_FAILURES: Readonly<Record<string, ConnectFailure>> = {
  ECONNREFUSED: "refused",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  EADDRNOTAVAIL: "unreachable",
  ENOTFOUND: "dns",
  EAI_AGAIN: "unreachable", // a temporary DNS failure: worth another try
  EPROTO: "tls",
  CERT_HAS_EXPIRED: "tls",
  DEPTH_ZERO_SELF_SIGNED_CERT: "tls",
  SELF_SIGNED_CERT_IN_CHAIN: "tls",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "tls",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "tls",
  ERR_TLS_CERT_ALTNAME_INVALID: "tls",
};

export function connectFailureOf(code: string): ConnectFailure | undefined {
  return CONNECT_FAILURES[code] ?? (code.startsWith("ERR_SSL_") ? "tls" : undefined);
}

/** The tenant the client talks to, for hints in connection errors. */
export interface ConnectionTarget {
  baseUrl: string;
  /** Where the base URL was read from, e.g. `environment variable SAIL_BASE_URL`. */
  baseUrlOrigin?: string;
}

/** The request failed below HTTP (reset, timeout, refused): no status was received. */
export class IscNetworkError extends Error {
  override readonly name = "IscNetworkError";
  /** Set when no connection was made, so the request was never sent. */
  readonly connectFailure?: ConnectFailure;
  constructor(
    readonly method: string,
    readonly path: string,
    /** Node/axios error code, e.g. ECONNRESET, ETIMEDOUT, ECONNABORTED, ECONNREFUSED. */
    readonly code: string,
    detail: string,
    target?: ConnectionTarget,
  ) {
    const failure = connectFailureOf(code);
    const plainHttp = failure === "tls" && /wrong version number|packet length too long|EPROTO/i.test(detail);
    // OpenSSL's "wrong version number" means an https URL reached a plain-http server; say that.
    const raw = `${code}${detail && detail !== code ? ` (${detail})` : ""}`;
    const what = plainHttp ? `the server does not speak TLS at this URL (${code})` : raw;
    super(
      `ISC ${method} ${path} failed: ` +
        `${what}${failure && target ? `. ${connectionHint(failure, target, plainHttp)}` : ""}`,
    );
    if (failure) this.connectFailure = failure;
  }
}

function connectionHint(failure: ConnectFailure, target: ConnectionTarget, plainHttp: boolean): string {
  const where = target.baseUrlOrigin ? `read from ${target.baseUrlOrigin}` : "SAIL_BASE_URL";
  const check = `check the base URL (${where}; expected https://{tenant}.api.identitynow.com) and that the tenant is reachable from here`;
  if (plainHttp) return `The base URL ${target.baseUrl} is https:// but the server answers plain http: ${check}`;
  const cause =
    failure === "dns"
      ? `The host ${hostOf(target.baseUrl)} was not found`
      : failure === "tls"
        ? `No TLS connection to ${target.baseUrl} could be made (certificate or protocol)`
        : `Nothing answered at ${target.baseUrl}`;
  return `${cause}: ${check}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * A creating POST failed in a way that does not tell whether ISC applied it (5xx, connection reset
 * or timeout after the request was sent). Repeating it could create a duplicate.
 */
export class AmbiguousCreateError extends Error {
  override readonly name = "AmbiguousCreateError";
  readonly causeSummary: string;
  constructor(
    readonly method: string,
    readonly path: string,
    cause: IscApiError | IscNetworkError,
  ) {
    super(
      `ISC ${method} ${path} may have been applied: ${cause.message}. It was not retried because repeating it could ` +
        `create a duplicate; look the object up (for an account: by sourceId and nativeIdentity) before retrying.`,
      { cause },
    );
    this.causeSummary = cause.message;
  }
}

/** The subset of a task's state that errors quote. */
export interface TaskStateSummary {
  completed: string | null;
  completionStatus: TaskCompletionStatus | null;
  percentComplete: number | null;
  progress: string | null;
}

/** An ISC task finished with ERROR, TERMINATED or TEMPERROR. */
export class TaskFailedError extends Error {
  override readonly name = "TaskFailedError";
  constructor(
    readonly taskId: string,
    readonly completionStatus: string,
    readonly messages: string[],
  ) {
    super(
      `ISC task ${taskId} finished with ${completionStatus}` +
        (messages.length > 0 ? `: ${messages.join("; ")}` : " (the task reported no messages)"),
    );
  }
}

/** An ISC task did not finish within the allowed time. */
export class TaskTimeoutError extends Error {
  override readonly name = "TaskTimeoutError";
  constructor(
    readonly taskId: string,
    readonly waitedMs: number,
    /** Undefined when the task was never seen in a status listing. */
    readonly lastState: TaskStateSummary | undefined,
    /** Set when the last status poll itself failed (the task may well have finished). */
    readonly lastPollError?: string,
  ) {
    super(
      `ISC task ${taskId} did not finish within ${Math.round(waitedMs / 1000)} s; ` +
        (lastState
          ? `last state: completed=${lastState.completed ?? "null"}, ` +
            `completionStatus=${lastState.completionStatus ?? "null"}, ` +
            `percentComplete=${lastState.percentComplete ?? "null"}, progress=${JSON.stringify(lastState.progress)}`
          : lastPollError
            ? "its status could not be read"
            : "the task never appeared in the task status list") +
        (lastPollError ? `; the last status poll failed: ${lastPollError}` : ""),
    );
  }
}

/**
 * Status polls of a task kept failing without reaching ISC for longer than the bound: the tenant
 * looks gone, and waiting out the whole task timeout would only hold the run.
 */
export class TaskStatusUnreachableError extends Error {
  override readonly name = "TaskStatusUnreachableError";
  constructor(
    readonly taskId: string,
    readonly unreachableMs: number,
    readonly lastPollError: string,
  ) {
    super(
      `ISC task ${taskId}: stopped waiting after ${Math.round(unreachableMs / 1000)} s in which no status poll ` +
        `reached ISC (last: ${lastPollError}). The task may still run and complete in ISC; check that the tenant is ` +
        `reachable, then run again.`,
    );
  }
}

/**
 * Turns whatever the HTTP library threw (no response) into an IscNetworkError, copying only the
 * error code and a redacted message; the original error, with its request config and headers, is dropped.
 */
export function networkErrorFrom(
  err: unknown,
  method: string,
  path: string,
  secrets: ReadonlyArray<string | undefined>,
  target?: ConnectionTarget,
): IscNetworkError {
  const e = (err ?? {}) as { code?: unknown; message?: unknown };
  const message = typeof e.message === "string" ? e.message : "request failed";
  let code = typeof e.code === "string" && e.code !== "" ? e.code : "EREQUEST";
  // Node reports "socket hang up" as ECONNRESET; some layers lose the code but keep the text.
  if (code === "EREQUEST" && /socket hang up/i.test(message)) code = "ECONNRESET";
  return new IscNetworkError(method, path, code, redactSecrets(message, secrets).slice(0, 200), target);
}

/** Resolves to undefined when ISC answers 404 (the object does not exist); other errors pass through. */
export async function unlessNotFound<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending;
  } catch (err) {
    if (err instanceof IscApiError && err.status === 404) return undefined;
    throw err;
  }
}
