/**
 * A throwaway dynamic provider for the harness tests. It runs inside the plugin process (serialized), keeps its
 * "remote system" in `<dir>/backend.json` and appends every call to `<dir>/ops.jsonl`, so a test can see what
 * the plugin was asked to do and in which order. Behaviour is driven by the inputs:
 *   key (required, replaces on change), value (updates in place), dbr (delete-before-replace),
 *   diffUnknown (diff answers "unknown"), failCreate: "plain" | "partial", failDelete, delayMs,
 *   checkDelayMs (Check and Diff take that long).
 * Every op is recorded with the `isc:baseUrl` the provider was configured with.
 * Methods `require` what they need at run time: module objects captured from this file would be serialized
 * by value.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";

export interface RecordedOp {
  op: "check" | "diff" | "create" | "read" | "update" | "delete";
  id: string;
  key: string;
  start: number;
  end: number;
  /** The `isc:baseUrl` of the provider's configure(), null if none. */
  baseUrl: string | null;
}

export interface RecordingProvider {
  dir: string;
  provider: pulumi.dynamic.ResourceProvider;
  ops(): RecordedOp[];
  backend(): Record<string, Record<string, unknown>>;
  setBackend(contents: Record<string, Record<string, unknown>>): void;
  /** Removes the temporary directory. */
  remove(): void;
}

export function makeRecordingProvider(): RecordingProvider {
  const dir = mkdtempSync(join(tmpdir(), "harness-provider-"));
  const backendPath = join(dir, "backend.json");
  const opsPath = join(dir, "ops.jsonl");
  const configured: { baseUrl?: string; tier?: string } = {};

  const store = {
    load(): Record<string, Record<string, unknown>> {
      const fs = require("fs") as typeof import("fs");
      return fs.existsSync(backendPath) ? JSON.parse(fs.readFileSync(backendPath, "utf8")) : {};
    },
    save(contents: Record<string, Record<string, unknown>>): void {
      (require("fs") as typeof import("fs")).writeFileSync(backendPath, JSON.stringify(contents));
    },
    record(op: string, id: string, key: unknown, start: number): void {
      const line = JSON.stringify({ op, id, key, start, end: Date.now(), baseUrl: configured.baseUrl ?? null }) + "\n";
      (require("fs") as typeof import("fs")).appendFileSync(opsPath, line);
    },
    async pause(inputs: Record<string, unknown>, field = "delayMs"): Promise<void> {
      const ms = typeof inputs[field] === "number" ? inputs[field] : 0;
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    },
  };

  const outputsOf = (inputs: Record<string, unknown>) => ({
    key: inputs.key,
    value: inputs.value ?? null,
    baseUrl: configured.baseUrl ?? null,
    ...(configured.tier ? { tier: configured.tier } : {}),
    ...(inputs.failDelete ? { failDelete: true } : {}),
  });

  const provider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
      configured.baseUrl = req.config.get("isc:baseUrl");
      // A key without namespace means "<project>:tier"; the project comes from PULUMI_NODEJS_PROJECT.
      configured.tier = req.config.get("tier");
    },
    async check(_olds, news) {
      const start = Date.now();
      await store.pause(news, "checkDelayMs");
      store.record("check", "", news.key, start);
      if (typeof news.key !== "string" || news.key === "") {
        return { inputs: news, failures: [{ property: "key", reason: "key is required" }] };
      }
      return { inputs: news };
    },
    async diff(id, olds, news) {
      const start = Date.now();
      await store.pause(news, "checkDelayMs");
      store.record("diff", id, news.key, start);
      if (news.diffUnknown) return {};
      const replaces = olds.key !== news.key ? ["key"] : [];
      return {
        changes: replaces.length > 0 || (olds.value ?? null) !== (news.value ?? null),
        replaces,
        deleteBeforeReplace: Boolean(news.dbr),
      };
    },
    async create(inputs) {
      const start = Date.now();
      await store.pause(inputs);
      if (inputs.failCreate === "plain") throw new Error(`create refused for ${inputs.key}`);
      const id = `${inputs.key}-${(require("crypto") as typeof import("crypto")).randomUUID().slice(0, 8)}`;
      const backend = store.load();
      backend[id] = outputsOf(inputs);
      store.save(backend);
      store.record("create", id, inputs.key, start);
      if (inputs.failCreate === "partial") {
        throw Object.assign(new Error(`created ${id} but it failed to initialize`), {
          id,
          properties: { ...outputsOf(inputs), half: true },
          reasons: ["initialization failed"],
        });
      }
      return { id, outs: outputsOf(inputs) };
    },
    async read(id, props) {
      const start = Date.now();
      const current = store.load()[id];
      store.record("read", id, props.key, start);
      return current ? { id, props: current } : { id: "", props: {} };
    },
    async update(id, _olds, news) {
      const start = Date.now();
      await store.pause(news);
      const backend = store.load();
      backend[id] = outputsOf(news);
      store.save(backend);
      store.record("update", id, news.key, start);
      return { outs: outputsOf(news) };
    },
    async delete(id, props) {
      const start = Date.now();
      if (props.failDelete) throw new Error(`delete refused for ${id}`);
      const backend = store.load();
      delete backend[id];
      store.save(backend);
      store.record("delete", id, props.key, start);
    },
  };

  return {
    dir,
    provider,
    ops: () =>
      existsSync(opsPath)
        ? readFileSync(opsPath, "utf8")
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as RecordedOp)
        : [],
    backend: () => (existsSync(backendPath) ? JSON.parse(readFileSync(backendPath, "utf8")) : {}),
    setBackend: (contents) => writeFileSync(backendPath, JSON.stringify(contents)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
