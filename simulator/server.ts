/**
 * The simulator's HTTP server. Every ISC API request passes the same gate, in ISC's order:
 * fault (reset, latency) -> bearer token (401) -> route (404/405) -> rate limit (429) ->
 * fault (500/503) -> authority (403) -> operation -> fault (applied, then 500).
 * /oauth/token and the /__sim admin API sit outside that gate.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import type { RouteName } from "../provider/client/routes";
import { createAdmin } from "./admin";
import { adminRefusal } from "./admin-access";
import type { ApiHandler, ApiResponse } from "./api";
import { ClassificationTracker } from "./classify";
import { ApiError, errorResponseBody } from "./errors";
import { FaultInjector } from "./faults";
import { accountHandlers } from "./handlers/accounts";
import { handleAdminRequest } from "./handlers/admin";
import { handleTokenRequest } from "./handlers/oauth";
import { sourceHandlers } from "./handlers/sources";
import { taskHandlers } from "./handlers/tasks";
import { SlidingWindowRateLimiter } from "./rate-limiter";
import { accessLogLine, loggableQuery, RequestLog } from "./request-log";
import { budgetOfPath, lookupRoute, rateBudgetOf } from "./routing";
import { Throttle } from "./throttle";
import { demoSeed, normalizeSeed } from "./seed";
import { parseRequestTarget } from "./request-target";
import { PendingLocks, type SimulatorServices } from "./services";
import { TaskRunner } from "./tasks";
import { TenantStore } from "./tenant";
import { TokenStore } from "./tokens";
import type { RequestLogEntry, SeedData, SimulatorAdmin, SimulatorOptions } from "./types";

const MAX_BODY_BYTES = 20 * 1024 * 1024;
const DEFAULT_TASK_DELAY_MS = 200;
const DEFAULT_TOKEN_TTL_SECONDS = 749;
const DEFAULT_RATE_LIMIT = { requestsPerWindow: 100, windowMs: 10_000 };

const ADMIN_PREFIX = "/__sim";

class BodyTooLargeError extends Error {}

function isAdminPath(path: string): boolean {
  return path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`);
}

/** The seed to start from, with the start options' tenant settings over the seed's own. */
function seedWithStartSettings(options: SimulatorOptions): SeedData {
  const seed = options.seed ?? demoSeed();
  return options.tenant ? { ...seed, settings: { ...seed.settings, ...options.tenant } } : seed;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        request.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function errorAnswer(status: number, message: string, detailCode?: string): ApiResponse {
  const error = new ApiError(status, message, detailCode);
  return { status, body: errorResponseBody(error.message, error.detailCode) };
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? "");
  return match ? match[1] : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function send(response: ServerResponse, answer: ApiResponse): void {
  if (response.destroyed || response.headersSent) return;
  const headers: Record<string, string | number> = { ...answer.headers };
  if (answer.body === undefined) {
    response.writeHead(answer.status, headers);
    response.end();
    return;
  }
  const text = JSON.stringify(answer.body);
  headers["Content-Type"] = "application/json";
  headers["Content-Length"] = Buffer.byteLength(text);
  response.writeHead(answer.status, headers);
  response.end(text);
}

const RESET = Symbol("reset");

export class SimulatorServer {
  readonly services: SimulatorServices;
  readonly admin: SimulatorAdmin;
  readonly requestLog = new RequestLog();
  private readonly tokens = new TokenStore();
  private readonly limiter: SlidingWindowRateLimiter | undefined;
  private readonly throttle: Throttle;
  private readonly handlers: Record<RouteName, ApiHandler>;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly tokenTtlSeconds: number;
  private stopped = false;
  private port = 0;

  constructor(private readonly options: SimulatorOptions = {}) {
    const faults = new FaultInjector(options.faults ?? {});
    const taskDelayMs = options.taskDelayMs ?? DEFAULT_TASK_DELAY_MS;
    this.services = {
      tenant: new TenantStore(normalizeSeed(seedWithStartSettings(options))),
      tasks: new TaskRunner({ delayMs: taskDelayMs, faults }),
      faults,
      classifications: new ClassificationTracker(() => taskDelayMs),
      pending: new PendingLocks(() => faults.config.pendingTaskRefusal),
    };
    this.admin = createAdmin(this.services);
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    const rateLimit = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit;
    this.limiter =
      rateLimit === false
        ? undefined
        : new SlidingWindowRateLimiter(rateLimit.requestsPerWindow, rateLimit.windowMs * (options.timeScale ?? 1));
    this.throttle = new Throttle(() => faults.config, options.timeScale ?? 1);
    this.handlers = {
      ...accountHandlers(this.services),
      ...sourceHandlers(this.services),
      ...taskHandlers(this.services),
    };
    this.server = createServer((request, response) => {
      this.onRequest(request, response).catch((error: unknown) => this.lastResort(response, error));
    });
    // Requests node's parser cannot read (bad method, header, framing) still get an ISC-shaped answer.
    this.server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => this.onClientError(error, socket));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1; resolves to the port. */
  listen(port: number = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", reject);
        const address = this.server.address();
        this.port = typeof address === "object" && address ? address.port : port;
        resolve(this.port);
      });
    });
  }

  expireAllTokens(): void {
    this.tokens.expireAll();
  }

  issuedTokens(): string[] {
    return this.tokens.issuedSoFar();
  }

  /** Closes the server, destroys open connections and cancels every task timer. */
  stop(): Promise<void> {
    this.stopped = true;
    this.services.tasks.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.server.closeAllConnections();
    });
  }

  /** A failure outside every handler (a bug): answer 500 rather than let the process die. */
  private lastResort(response: ServerResponse, error: unknown): void {
    this.options.log?.(`simulator: unhandled failure: ${error instanceof Error ? error.message : String(error)}`);
    send(response, errorAnswer(500, "Simulator fault while handling the request"));
  }

  private onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
    if (!socket.writable || error.code === "ECONNRESET") {
      socket.destroy();
      return;
    }
    const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    const text = JSON.stringify(errorResponseBody("The request could not be read as HTTP/1.1", `${status}`));
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? "Request Header Fields Too Large" : "Bad Request"}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: ` +
        `close\r\n\r\n${text}`,
    );
  }

  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const target = parseRequestTarget(request.url);
    const method = request.method ?? "GET";
    const entry: RequestLogEntry = {
      time: new Date(startedAt).toISOString(),
      method,
      path: target.kind === "valid" ? target.path : "(invalid)",
      query: target.kind === "valid" ? loggableQuery(target.query) : {},
      status: 0,
      budget: "unknown",
      durationMs: 0,
    };
    let answer: ApiResponse | typeof RESET;
    try {
      if (target.kind === "invalid") {
        answer = errorAnswer(400, target.reason);
      } else if (isAdminPath(target.rawPath) && isAdminPath(target.path)) {
        // Only a path sent as /__sim/... reaches the admin API; /v3/../__sim/... is an API path.
        entry.budget = "admin";
        const refusal = adminRefusal(request.headers, this.port);
        const body = await readBody(request);
        answer =
          refusal !== undefined
            ? errorAnswer(403, refusal)
            : handleAdminRequest(
                { method, path: target.path.slice(ADMIN_PREFIX.length), query: target.query, body },
                {
                  admin: this.admin,
                  faults: this.services.faults,
                  requestLog: this.requestLog,
                  expireAllTokens: () => this.expireAllTokens(),
                  completeTasks: () => this.services.tasks.completeRunning(),
                  holdTasks: (hold) => this.services.tasks.hold(hold),
                },
              );
      } else if (target.path === "/oauth/token") {
        entry.budget = "oauth";
        const body = await readBody(request);
        const faults = this.services.faults;
        answer = await handleTokenRequest(
          { method, query: target.query, headers: request.headers, body },
          {
            tenant: this.services.tenant,
            tokens: this.tokens,
            tokenTtlSeconds: this.tokenTtlSeconds,
            tokenLifetimeMs: () =>
              faults.config.tokenExpiryMs > 0 ? faults.config.tokenExpiryMs : this.tokenTtlSeconds * 1000,
          },
        );
      } else {
        answer = this.markDeprecated(
          target.path,
          await this.handleApi(request, target.path, target.query, method, entry),
        );
      }
    } catch (error) {
      answer =
        error instanceof BodyTooLargeError
          ? errorAnswer(413, `The request body is larger than ${MAX_BODY_BYTES} bytes`, "413 Payload Too Large")
          : errorAnswer(500, `Simulator fault: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (answer === RESET) {
      request.socket.destroy();
    } else {
      entry.status = answer.status;
      send(response, answer);
    }
    entry.durationMs = Date.now() - startedAt;
    this.requestLog.add(entry);
    this.options.log?.(accessLogLine(entry));
  }

  /** `X-Deprecated: true` on every answer under a deprecated API version (SimulatorOptions.deprecatedApiVersions). */
  private markDeprecated(path: string, answer: ApiResponse | typeof RESET): ApiResponse | typeof RESET {
    const version = path.split("/")[1];
    if (answer === RESET || !this.options.deprecatedApiVersions?.includes(version)) return answer;
    return { ...answer, headers: { ...answer.headers, "X-Deprecated": "true" } };
  }

  private async handleApi(
    request: IncomingMessage,
    path: string,
    query: URLSearchParams,
    method: string,
    entry: RequestLogEntry,
  ): Promise<ApiResponse | typeof RESET> {
    const { faults, tenant } = this.services;
    const lookup = lookupRoute(method, path);
    entry.budget =
      lookup.kind === "match"
        ? lookup.match.budget
        : lookup.kind === "method-not-allowed"
          ? lookup.budget
          : budgetOfPath(path);

    if (faults.roll(faults.config.resetRate)) return RESET;
    if (faults.config.latencyMs > 0) await sleep(faults.config.latencyMs);
    if (this.stopped) return RESET;

    const token = bearerToken(request.headers);
    const clientId = token === undefined ? undefined : this.tokens.verify(token);
    const client = clientId === undefined ? undefined : tenant.client(clientId);
    if (!client) {
      return {
        status: 401,
        body: {
          error:
            token === undefined
              ? "Full authentication is required to access this resource"
              : "JWT is expired or invalid",
        },
        headers: { "WWW-Authenticate": 'Bearer realm="isc-simulator", error="invalid_token"' },
      };
    }
    entry.clientId = client.clientId;

    if (lookup.kind === "not-found") return errorAnswer(404, `No ISC operation at ${method} ${path}`);
    if (lookup.kind === "method-not-allowed") {
      return {
        ...errorAnswer(405, `${method} is not allowed on ${path}`),
        headers: { Allow: lookup.allowed.join(", ") },
      };
    }

    const budget = rateBudgetOf(lookup.match, this.options.perServiceRateBudget ?? "separate");
    const budgetKey = `${client.clientId}\u0000${budget}`;
    const penalty = this.throttle.penalty(budgetKey);
    if (penalty) return penalty;
    if (faults.takeRateLimitBurst()) return this.throttle.refuse(budgetKey, 1000);
    const decision = this.limiter?.tryAcquire(budgetKey);
    if (decision && !decision.allowed) return this.throttle.refuse(budgetKey, decision.retryAfterMs);

    if (faults.roll(faults.config.errorRate)) {
      return Math.random() < 0.5
        ? errorAnswer(500, "An internal fault occurred (injected)")
        : errorAnswer(503, "The service is temporarily unavailable (injected)");
    }
    if (client.readOnly && method !== "GET")
      return errorAnswer(403, "This API client lacks the authority for this operation");

    const body = await readBody(request);
    let answer: ApiResponse;
    try {
      answer = await this.handlers[lookup.match.name]({
        route: lookup.match.name,
        generation: lookup.match.generation,
        method,
        params: lookup.match.params,
        query,
        headers: request.headers,
        body,
        clientId: client.clientId,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      answer = errorAnswer(error.status, error.message, error.detailCode);
    }
    if (method !== "GET" && answer.status < 300 && faults.roll(faults.config.errorAfterApplyRate)) {
      return errorAnswer(500, "An internal fault occurred after the request was applied (injected)");
    }
    return answer;
  }
}
