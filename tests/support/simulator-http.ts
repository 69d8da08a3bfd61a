/** A tiny fetch-based client for the simulator's own tests (the product's client is tested elsewhere). */
import { ROUTES, resolveRoute, type ApiGeneration, type RouteName } from "../../provider/client/routes";
import type { TaskStatus } from "../../provider/client/types";
import { startSimulator } from "../../simulator/index";
import type { RunningSimulator, SimulatorOptions } from "../../simulator/types";

export interface SimResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  text: string;
}

export interface CallOptions {
  /** JSON body (sent as application/json unless headers say otherwise). */
  json?: unknown;
  /** Raw body (FormData, string, ...). */
  raw?: string | FormData;
  headers?: Record<string, string>;
  /** null: send no Authorization header; a string: use that token. */
  token?: string | null;
}

export const GENERATIONS: readonly ApiGeneration[] = ["versioned", "per-service"];

export class SimHttp {
  private cachedToken: string | undefined;

  constructor(
    readonly sim: RunningSimulator,
    private readonly credentials = sim.clients[0],
  ) {}

  async token(): Promise<string> {
    if (!this.cachedToken) this.cachedToken = await this.fetchToken();
    return this.cachedToken;
  }

  async fetchToken(credentials = this.credentials): Promise<string> {
    const response = await fetch(`${this.sim.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      }),
    });
    if (response.status !== 200) throw new Error(`token request failed: ${response.status}`);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  forgetToken(): void {
    this.cachedToken = undefined;
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<SimResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? await this.token() : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | FormData | undefined = options.raw;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${this.sim.url}${path}`, { method, headers, body });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: text === "" ? undefined : (JSON.parse(text) as unknown),
    };
  }

  /** Calls a named route of the product's route table in one generation. */
  route(
    name: RouteName,
    generation: ApiGeneration,
    params: Record<string, string> = {},
    options: CallOptions & { query?: string } = {},
  ): Promise<SimResponse> {
    const resolved = resolveRoute(name, params, generation);
    const experimental: Record<string, string> = ROUTES[name].experimental
      ? { "X-SailPoint-Experimental": "true" }
      : {};
    return this.call(resolved.method, `${resolved.path}${options.query ? `?${options.query}` : ""}`, {
      ...options,
      headers: { ...experimental, ...options.headers },
    });
  }

  /** Polls a task until completionStatus is set (bounded). */
  async waitForTask(taskId: string, timeoutMs = 5000): Promise<TaskStatus> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const response = await this.call("GET", `/v2025/task-status/${taskId}`);
      const status = response.body as TaskStatus;
      if (response.status === 200 && status.completionStatus) return status;
      await sleep(10);
    }
    throw new Error(`task ${taskId} did not complete within ${timeoutMs} ms`);
  }

  /** Polls until `check` passes (bounded); returns its last value. */
  async eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (check(value)) return value;
      if (Date.now() > deadline) throw new Error("condition not met in time");
      await sleep(10);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function filterQuery(filter: string, extra = ""): string {
  return `filters=${encodeURIComponent(filter)}${extra ? `&${extra}` : ""}`;
}

/**
 * Starts a simulator before the suite's tests and stops it after; the returned function gives the
 * running simulator and a client for it.
 */
export function useSimulator(options: SimulatorOptions = {}): () => { sim: RunningSimulator; http: SimHttp } {
  let current: { sim: RunningSimulator; http: SimHttp } | undefined;
  before(async () => {
    const sim = await startSimulator({ taskDelayMs: 10, rateLimit: false, ...options });
    current = { sim, http: new SimHttp(sim) };
  });
  after(async () => current?.sim.stop());
  return () => {
    if (!current) throw new Error("simulator not started");
    return current;
  };
}
