/**
 * Runs the real dynamic-provider plugin shipped in @pulumi/pulumi (`cmd/dynamic-provider`) and speaks to it
 * over gRPC the way the Pulumi engine does (see pulumi/pulumi sdk/go/common/resource/plugin/provider_plugin.go):
 *
 * - the plugin is the USER's: the CLI's `pulumi-resource-pulumi-nodejs` (sdk/nodejs/dist) runs
 *   `require.resolve('@pulumi/pulumi/cmd/dynamic-provider')` from the program directory, so the @pulumi/pulumi
 *   installed next to the program serves the calls, not the copy this package was built with;
 * - the plugin is started with the program directory as cwd and the engine address as its only argument
 *   (it never dials it); it prints the port it listens on as the first stdout line;
 * - the engine exports PULUMI_NODEJS_PROJECT, PULUMI_PROJECT and PULUMI_CONFIG (the whole stack config, keys
 *   with their namespace) to the dynamic provider process: `project` and `config` below do the same;
 * - every request carries plain values: the plugin answers Configure with acceptSecrets=false, so the engine
 *   strips secrets before sending; unknowns (preview only) travel as the UNKNOWN sentinel string.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceError, Metadata, CallOptions } from "@grpc/grpc-js";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { grpc, providerGrpc, providerpb, statuspb } from "./pulumi-modules";
import { fromStruct, toStruct, type PropertyMap } from "./properties";

export { UNKNOWN, type PropertyMap } from "./properties";

export interface StartPluginOptions {
  /** The Pulumi program's directory: `require` inside the serialized provider resolves from here. */
  cwd: string;
  /** Extra environment for the plugin process (on top of this process's environment). */
  env?: NodeJS.ProcessEnv;
  /**
   * Keep this process's SAIL_BASE_URL / SAIL_CLIENT_ID / SAIL_CLIENT_SECRET away from the plugin,
   * so that only the stack config configures the provider (as in a test of that config).
   */
  withoutSailEnv?: boolean;
  /** Deadline of every gRPC call. Default 120000 ms. */
  callTimeoutMs?: number;
  /** How long to wait for the plugin to print its port. Default 30000 ms. */
  startTimeoutMs?: number;
  /** Project name, exported as the engine does (PULUMI_NODEJS_PROJECT, PULUMI_PROJECT). */
  project?: string;
  /** Stack config with namespaced keys ("isc:baseUrl"), exported as PULUMI_CONFIG as the engine does. */
  config?: Record<string, string>;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export type DiffChanges = "some" | "none" | "unknown";

export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface ConfigureResult {
  acceptSecrets: boolean;
  supportsPreview: boolean;
}

/** A resource the provider created but reported as failed (ErrorResourceInitFailed): it exists and has an id. */
export interface InitFailedDetails {
  id: string;
  properties: PropertyMap;
  reasons: string[];
}

export interface ProviderPlugin {
  readonly port: number;
  readonly pid: number;
  /** The variables of the Configure call that succeeded, or undefined before one did. */
  readonly configuredWith: Readonly<Record<string, string>> | undefined;
  /** The last lines the plugin wrote to stderr (and stdout after the port line, prefixed "stdout| "). */
  outputTail(): string[];
  /**
   * What the Pulumi CLI prints of the plugin's output: every line it wrote to stderr, and to stdout
   * after the port line, that is not blank. The engine makes each one an info diagnostic (stderr:
   * Infoerrf, stdout: Infof) and, for a dynamic provider, does not hide them as it does for other
   * resource plugins (pulumi/pulumi sdk/go/common/resource/plugin/plugin.go newPlugin, `runtrace`,
   * isDynamicPluginBinary).
   */
  diagnostics(): string[];
  configure(variables: Record<string, string>): Promise<ConfigureResult>;
  check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<{ inputs: PropertyMap; failures: CheckFailure[] }>;
  /** `olds` are the stored OUTPUTS, `news` the checked inputs: what the engine sends. */
  diff(urn: string, id: string, olds: PropertyMap, news: PropertyMap, oldInputs?: PropertyMap): Promise<DiffResult>;
  create(
    urn: string,
    properties: PropertyMap,
    opts?: { preview?: boolean },
  ): Promise<{ id: string; properties: PropertyMap }>;
  read(
    urn: string,
    id: string,
    properties: PropertyMap,
    inputs: PropertyMap,
  ): Promise<{ id: string; properties: PropertyMap; inputs?: PropertyMap }>;
  update(
    urn: string,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    opts?: { preview?: boolean; oldInputs?: PropertyMap },
  ): Promise<{ properties: PropertyMap }>;
  delete(urn: string, id: string, properties: PropertyMap, oldInputs?: PropertyMap): Promise<void>;
  /** Kills the plugin and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** A gRPC call to the plugin failed. `message` is the plugin's own message (for a thrown error: its message). */
export class PluginCallError extends Error {
  override readonly name = "PluginCallError";
  constructor(
    message: string,
    readonly method: string,
    /** gRPC status code (2 = UNKNOWN for errors thrown by the provider, 4 = DEADLINE_EXCEEDED, 14 = UNAVAILABLE). */
    readonly code: number,
    /** Set when create/update failed on a resource that nevertheless exists. */
    readonly initFailed?: InitFailedDetails,
  ) {
    super(message);
  }
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>`, the URN of a resource without a parent (root stack children). */
export function urnFor(stack: string, project: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/** What `pulumi.dynamic.Resource` stores in `__provider`. */
export async function serializeDynamicProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return serialized.text;
}

const OUTPUT_TAIL_LINES = 200;
const DEFAULT_CALL_TIMEOUT_MS = 120_000;
const DEFAULT_START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
/** After UNAVAILABLE, how long to wait for the process exit so the error can carry its stderr. */
const EXIT_SETTLE_MS = 1_000;
const INIT_FAILED_TYPE = "pulumirpc.ErrorResourceInitFailed";

type UnaryCallback<Res> = (error: ServiceError | null, response: Res) => void;
type UnaryInvoker<Res> = (metadata: Metadata, options: Partial<CallOptions>, callback: UnaryCallback<Res>) => void;

interface ResourceRequest {
  setUrn(value: string): unknown;
  setName(value: string): unknown;
  setType(value: string): unknown;
}

/** Sets urn, name and type on a request, as the engine does (name and type are read from the URN). */
function identify(request: ResourceRequest, urn: string): void {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  request.setUrn(urn);
  request.setName(parts.slice(3).join("::"));
  request.setType(qualifiedType.split("$").pop() ?? qualifiedType);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function parseInitFailed(error: ServiceError): InitFailedDetails | undefined {
  const raw = error.metadata?.get("grpc-status-details-bin")[0];
  if (raw === undefined) return undefined;
  const bytes = typeof raw === "string" ? Buffer.from(raw, "base64") : raw;
  const status = statuspb.Status.deserializeBinary(new Uint8Array(bytes));
  for (const detail of status.getDetailsList()) {
    if (detail.getTypeName() !== INIT_FAILED_TYPE) continue;
    const initFailed = providerpb.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
    return {
      id: initFailed.getId(),
      properties: fromStruct(initFailed.getProperties()),
      reasons: initFailed.getReasonsList(),
    };
  }
  return undefined;
}

/**
 * Splits a stream into lines: keeps the last OUTPUT_TAIL_LINES of them in a shared sink, and every
 * non-blank one in `printed` (what the CLI prints; see ProviderPlugin.diagnostics).
 */
class LineTail {
  private partial = "";
  constructor(
    private readonly prefix: string,
    private readonly sink: string[],
    private readonly printed: string[],
  ) {}
  push(chunk: string): void {
    const pieces = (this.partial + chunk).split("\n");
    this.partial = pieces.pop() ?? "";
    for (const line of pieces) this.append(line);
  }
  flush(): void {
    if (this.partial) this.append(this.partial);
    this.partial = "";
  }
  private append(line: string): void {
    if (line.trim() !== "") this.printed.push(line.trimEnd());
    this.sink.push(this.prefix + line);
    if (this.sink.length > OUTPUT_TAIL_LINES) this.sink.splice(0, this.sink.length - OUTPUT_TAIL_LINES);
  }
}

class GrpcProviderPlugin implements ProviderPlugin {
  private configuration: Record<string, string> | undefined;
  /** Calls in flight, by their reject function, with the method name for the error if the plugin dies. */
  private readonly inFlight = new Map<(error: Error) => void, string>();
  private exitDescription: string | undefined;
  private readonly exited: Promise<void>;

  constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    readonly port: number,
    private readonly tail: string[],
    private readonly printed: string[],
    private readonly callTimeoutMs: number,
    exited: Promise<string>,
  ) {
    this.exited = exited.then((description) => {
      this.exitDescription = description;
      this.client.close();
      for (const [reject, method] of this.inFlight) reject(this.deathError(method));
      this.inFlight.clear();
    });
  }

  get configuredWith(): Readonly<Record<string, string>> | undefined {
    return this.configuration;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  outputTail(): string[] {
    return [...this.tail];
  }

  diagnostics(): string[] {
    return [...this.printed];
  }

  async configure(variables: Record<string, string>): Promise<ConfigureResult> {
    // The engine configures a provider instance once; the plugin would take a second Configure, but providers it
    // has already deserialized keep the first settings (cmd/dynamic-provider getProvider caches them).
    if (this.configuration && !isDeepStrictEqual(this.configuration, variables)) {
      throw new Error(
        "this plugin process is already configured with other settings: start a fresh plugin per command, as the " +
          "CLI does",
      );
    }
    const request = new providerpb.ConfigureRequest();
    // What the engine sends (provider_plugin.go Configure): the plugin reads `args` and ignores `variables`.
    request.setArgs(toStruct(variables));
    for (const [key, value] of Object.entries(variables)) request.getVariablesMap().set(key, value);
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    request.setSendsOldInputs(true);
    request.setSendsOldInputsToDelete(true);
    const response = await this.unary<InstanceType<typeof providerpb.ConfigureResponse>>("configure", (md, o, cb) =>
      this.client.configure(request, md, o, cb),
    );
    this.configuration = { ...variables };
    return { acceptSecrets: response.getAcceptsecrets(), supportsPreview: response.getSupportspreview() };
  }

  async check(urn: string, olds: PropertyMap, news: PropertyMap) {
    const request = new providerpb.CheckRequest();
    identify(request, urn);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    request.setRandomseed(new Uint8Array(randomBytes(32)));
    const response = await this.unary<InstanceType<typeof providerpb.CheckResponse>>("check", (md, o, cb) =>
      this.client.check(request, md, o, cb),
    );
    return {
      inputs: fromStruct(response.getInputs()),
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(
    urn: string,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs?: PropertyMap,
  ): Promise<DiffResult> {
    const request = new providerpb.DiffRequest();
    identify(request, urn);
    request.setId(id);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    if (oldInputs) request.setOldInputs(toStruct(oldInputs));
    const response = await this.unary<InstanceType<typeof providerpb.DiffResponse>>("diff", (md, o, cb) =>
      this.client.diff(request, md, o, cb),
    );
    const kinds = providerpb.DiffResponse.DiffChanges;
    const changes = response.getChanges();
    return {
      changes: changes === kinds.DIFF_SOME ? "some" : changes === kinds.DIFF_NONE ? "none" : "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  async create(urn: string, properties: PropertyMap, opts: { preview?: boolean } = {}) {
    const request = new providerpb.CreateRequest();
    identify(request, urn);
    request.setProperties(toStruct(properties));
    request.setPreview(opts.preview ?? false);
    const response = await this.unary<InstanceType<typeof providerpb.CreateResponse>>("create", (md, o, cb) =>
      this.client.create(request, md, o, cb),
    );
    return { id: response.getId(), properties: fromStruct(response.getProperties()) };
  }

  async read(urn: string, id: string, properties: PropertyMap, inputs: PropertyMap) {
    const request = new providerpb.ReadRequest();
    identify(request, urn);
    request.setId(id);
    request.setProperties(toStruct(properties));
    request.setInputs(toStruct(inputs));
    const response = await this.unary<InstanceType<typeof providerpb.ReadResponse>>("read", (md, o, cb) =>
      this.client.read(request, md, o, cb),
    );
    const returnedInputs = response.getInputs();
    return {
      id: response.getId(),
      properties: fromStruct(response.getProperties()),
      ...(returnedInputs ? { inputs: fromStruct(returnedInputs) } : {}),
    };
  }

  async update(
    urn: string,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    opts: { preview?: boolean; oldInputs?: PropertyMap } = {},
  ) {
    const request = new providerpb.UpdateRequest();
    identify(request, urn);
    request.setId(id);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    request.setPreview(opts.preview ?? false);
    if (opts.oldInputs) request.setOldInputs(toStruct(opts.oldInputs));
    const response = await this.unary<InstanceType<typeof providerpb.UpdateResponse>>("update", (md, o, cb) =>
      this.client.update(request, md, o, cb),
    );
    return { properties: fromStruct(response.getProperties()) };
  }

  async delete(urn: string, id: string, properties: PropertyMap, oldInputs?: PropertyMap): Promise<void> {
    const request = new providerpb.DeleteRequest();
    identify(request, urn);
    request.setId(id);
    request.setProperties(toStruct(properties));
    if (oldInputs) request.setOldInputs(toStruct(oldInputs));
    await this.unary<unknown>("delete", (md, o, cb) => this.client.delete(request, md, o, cb));
  }

  async stop(): Promise<void> {
    if (this.exitDescription === undefined) {
      this.child.kill("SIGTERM");
      const killTimer = setTimeout(() => this.child.kill("SIGKILL"), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(killTimer);
    }
  }

  private unary<Res>(method: string, invoke: UnaryInvoker<Res>): Promise<Res> {
    if (this.exitDescription !== undefined) return Promise.reject(this.deathError(method));
    return new Promise<Res>((resolve, reject) => {
      this.inFlight.set(reject, method);
      const settle = (outcome: () => void) => {
        if (!this.inFlight.delete(reject)) return; // already rejected because the plugin died
        outcome();
      };
      invoke(new grpc.Metadata(), { deadline: Date.now() + this.callTimeoutMs }, (error, response) => {
        if (!error) return settle(() => resolve(response));
        void this.toCallError(method, error).then((callError) => settle(() => reject(callError)));
      });
    });
  }

  private async toCallError(method: string, error: ServiceError): Promise<PluginCallError> {
    if (error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.CANCELLED) {
      await Promise.race([this.exited, delay(EXIT_SETTLE_MS)]);
      if (this.exitDescription !== undefined) return this.deathError(method);
    }
    return new PluginCallError(error.details || error.message, method, error.code, parseInitFailed(error));
  }

  private deathError(method: string): PluginCallError {
    const tail = this.tail.slice(-40).join("\n");
    return new PluginCallError(
      `dynamic-provider plugin ${this.exitDescription} during ${method}; its last output lines:\n${tail}`,
      method,
      grpc.status.UNAVAILABLE,
    );
  }
}

/**
 * The plugin entry point the CLI would run for a program in `programDir`: the one of the @pulumi/pulumi that
 * `require.resolve` finds from there (sdk/nodejs/dist/pulumi-resource-pulumi-nodejs).
 */
export function resolveDynamicProviderPlugin(programDir: string): string {
  try {
    return createRequire(path.join(path.resolve(programDir), "[program]")).resolve(
      "@pulumi/pulumi/cmd/dynamic-provider",
    );
  } catch {
    throw new Error(
      `@pulumi/pulumi cannot be resolved from ${programDir}: the Pulumi CLI runs the dynamic-provider plugin of ` +
        `the program's own @pulumi/pulumi; install it there`,
    );
  }
}

/** Starts the plugin, waits for its port and connects to it. */
export async function startProviderPlugin(opts: StartPluginOptions): Promise<ProviderPlugin> {
  const pluginPath = resolveDynamicProviderPlugin(opts.cwd);
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  if (opts.withoutSailEnv)
    for (const name of ["SAIL_BASE_URL", "SAIL_CLIENT_ID", "SAIL_CLIENT_SECRET"]) delete env[name];
  if (opts.project !== undefined) {
    env.PULUMI_NODEJS_PROJECT = opts.project;
    env.PULUMI_PROJECT = opts.project;
  }
  if (opts.config !== undefined) env.PULUMI_CONFIG = JSON.stringify(opts.config);

  const child = spawn(process.execPath, [pluginPath, "127.0.0.1:1"], {
    cwd: opts.cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tail: string[] = [];
  const printed: string[] = [];
  const stderr = new LineTail("", tail, printed);
  const stdout = new LineTail("stdout| ", tail, printed);
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));

  const exited = new Promise<string>((resolve) => {
    // "close", not "exit": output can still arrive after the exit; "close" comes once the streams ended too.
    child.once("close", (code, signal) => {
      stderr.flush();
      stdout.flush();
      resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`);
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    let firstLine = "";
    let portSeen = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `dynamic-provider plugin printed no port within ${opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS} ` +
            `ms:\n${tail.join("\n")}`,
        ),
      );
    }, opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (portSeen) return stdout.push(chunk);
      firstLine += chunk;
      const newline = firstLine.indexOf("\n");
      if (newline < 0) return;
      portSeen = true;
      clearTimeout(timer);
      const parsed = Number.parseInt(firstLine.slice(0, newline).trim(), 10);
      stdout.push(firstLine.slice(newline + 1));
      if (Number.isInteger(parsed) && parsed > 0) resolve(parsed);
      else {
        child.kill("SIGKILL");
        reject(new Error(`dynamic-provider plugin printed no port but: ${firstLine.slice(0, newline)}`));
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then((description) => {
      clearTimeout(timer);
      reject(new Error(`dynamic-provider plugin ${description} before printing its port:\n${tail.join("\n")}`));
    });
  });

  const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
  });
  return new GrpcProviderPlugin(
    child,
    client,
    port,
    tail,
    printed,
    opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    exited,
  );
}
