/**
 * UncorrelatedAccountsLoad and SourceClassification end to end: the real @pulumi/pulumi dynamic-provider
 * plugin over gRPC, driven like `pulumi up / refresh / destroy`, against the ISC simulator. A recording
 * proxy sits between the plugin and the simulator so the tests can see the headers the client sends.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PluginEngine, type DesiredResource } from "../../harness/engine";
import { serializeDynamicProvider, startProviderPlugin, type ProviderPlugin } from "../../harness/plugin";
import { sourceClassificationProvider } from "../../provider/resources/source-classification";
import { uncorrelatedAccountsLoadProvider } from "../../provider/resources/uncorrelated-accounts-load";
import { startSimulator, type RunningSimulator } from "../../simulator";
import { DEMO_IDS } from "../../simulator/seed";

const HR = DEMO_IDS.hrSource;
const CONTRACTORS = DEMO_IDS.contractorsSource;
const LOAD_TYPE = "pulumi-nodejs:dynamic/isc:UncorrelatedAccountsLoad";
const CLASSIFICATION_TYPE = "pulumi-nodejs:dynamic/isc:SourceClassification";
/** The repository root: the plugin's cwd, where `pulumi-isc-accounts` resolves by self-reference. */
const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

interface SeenRequest {
  method: string;
  path: string;
  experimental: string | undefined;
}

/** A loopback proxy that records method, path and the X-SailPoint-Experimental header of each request. */
async function startRecordingProxy(
  target: string,
): Promise<{ url: string; seen: SeenRequest[]; stop(): Promise<void> }> {
  const upstream = new URL(target);
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const header = req.headers["x-sailpoint-experimental"];
    seen.push({
      method: req.method ?? "",
      path: (req.url ?? "").split("?")[0],
      experimental: Array.isArray(header) ? header.join(",") : header,
    });
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface JobsStack {
  sim: RunningSimulator;
  plugin: ProviderPlugin;
  engine: PluginEngine;
  proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  load(name: string, inputs: Record<string, unknown>): DesiredResource;
  classification(name: string, inputs: Record<string, unknown>): DesiredResource;
  stop(): Promise<void>;
}

async function startJobsStack(taskDelayMs: number): Promise<JobsStack> {
  const sim = await startSimulator({ port: 0, taskDelayMs });
  const proxy = await startRecordingProxy(sim.url);
  const [client] = sim.clients;
  const config = {
    "isc:baseUrl": proxy.url,
    "isc:clientId": client.clientId,
    "isc:clientSecret": client.clientSecret,
  };
  const plugin = await startProviderPlugin({ cwd: REPO_ROOT, withoutSailEnv: true, project: "isc-test", config });
  const engine = new PluginEngine(plugin, {
    project: "isc-test",
    stack: "test",
    config,
    secretConfigKeys: ["isc:clientSecret"],
  });
  const loadText = await serializeDynamicProvider(uncorrelatedAccountsLoadProvider);
  const classificationText = await serializeDynamicProvider(sourceClassificationProvider);
  return {
    sim,
    plugin,
    engine,
    proxy,
    load: (name, inputs) => ({ type: LOAD_TYPE, name, inputs: { ...inputs, __provider: loadText } }),
    classification: (name, inputs) => ({
      type: CLASSIFICATION_TYPE,
      name,
      inputs: { ...inputs, __provider: classificationText },
    }),
    async stop() {
      await plugin.stop();
      await proxy.stop();
      await sim.stop();
    },
  };
}

function apiWrites(stack: JobsStack): string[] {
  return stack.sim
    .requests()
    .filter((r) => r.method !== "GET" && r.budget !== "oauth" && r.budget !== "admin")
    .map((r) => `${r.method} ${r.path}`);
}

function sha256(text: string): string {
  return createHash("sha256").update(Buffer.from(text)).digest("hex");
}

const LOAD_PATH = `/v2025/sources/${HR}/load-uncorrelated-accounts`;
const CLASSIFY_PATH = `/v2025/sources/${HR}/classify`;

describe("source jobs through the real Pulumi plugin", function () {
  this.timeout(60_000);

  describe("UncorrelatedAccountsLoad", () => {
    let stack: JobsStack;
    let dir: string;
    /** csvPath as a user writes it: relative to the program's directory (the plugin's cwd). */
    let relative: (file: string) => string;
    const first =
      `id,displayName,email,groups\nU100,Una Loaded,una@example.com,"[vpn,staff]"\nU101,Ulf ` +
      `Loaded,ulf@example.com,\n`;
    const second =
      `id,displayName,email,groups\nU100,Una Loaded,una@example.com,"[vpn,staff]"\nU101,Ulf ` +
      `Renamed,ulf@example.com,\nU102,Uma New,,\n`;

    before(async () => {
      stack = await startJobsStack(20);
      dir = mkdtempSync(path.join(tmpdir(), "isc-jobs-"));
      relative = (file) => path.relative(REPO_ROOT, path.join(dir, file));
      writeFileSync(path.join(dir, "accounts.csv"), first);
    });
    after(async () => {
      await stack?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const loadInputs = (csvPath: string) => ({ sourceId: HR, csvPath: relative(csvPath), pollIntervalMs: 50 });

    it("loads the CSV with one upload: the accounts appear uncorrelated with the file's attributes", async () => {
      stack.sim.clearRequests();
      const result = await stack.engine.up([stack.load("hr-load", loadInputs("accounts.csv"))]);
      expect(result.errors).to.deep.equal([]);
      expect(result.steps.map((s) => s.op)).to.deep.equal(["create"]);
      expect(apiWrites(stack)).to.deep.equal([`POST ${LOAD_PATH}`]);

      const loaded = stack.sim.admin.listAccounts(HR).filter((a) => a.nativeIdentity.startsWith("U1"));
      expect(loaded.map((a) => a.nativeIdentity).sort()).to.deep.equal(["U100", "U101"]);
      for (const account of loaded) {
        expect(account.uncorrelated).to.equal(true);
        expect(account.identityId ?? null).to.equal(null);
      }
      const una = loaded.find((a) => a.nativeIdentity === "U100")!;
      expect(una.attributes).to.deep.include({ id: "U100", displayName: "Una Loaded", email: "una@example.com" });
      expect(una.attributes!.groups).to.have.members(["vpn", "staff"]);

      const [state] = stack.engine.state();
      expect(state.outputs).to.deep.include({
        sourceId: HR,
        csvSha256: sha256(first),
        completionStatus: "SUCCESS",
        rows: 2,
        warnings: [],
      });
      expect(state.outputs.counts).to.deep.equal({ total: 2, created: 2, updated: 0, unchanged: 0, errors: 0 });
      expect(state.id).to.equal(state.outputs.taskId);
      expect(Date.parse(String(state.outputs.completed))).to.be.a("number").and.not.NaN;
      // State stays small: the file's content is not kept, only its hash.
      expect(JSON.stringify(state.outputs)).to.not.contain("Una Loaded");
      expect(JSON.stringify(state.inputs)).to.not.contain("Una Loaded");
    });

    it("does nothing for the same content, even from another path or given inline", async () => {
      writeFileSync(path.join(dir, "copy.csv"), first);
      stack.sim.clearRequests();
      const byPath = await stack.engine.up([stack.load("hr-load", loadInputs("copy.csv"))]);
      expect(byPath.steps.map((s) => s.op)).to.deep.equal(["same"]);
      const inline = await stack.engine.up([
        stack.load("hr-load", { sourceId: HR, csvContent: first, pollIntervalMs: 50 }),
      ]);
      expect(inline.steps.map((s) => s.op)).to.deep.equal(["same"]);
      expect(apiWrites(stack)).to.deep.equal([]);
    });

    it("keeps the recorded outputs on refresh (a load is an event)", async () => {
      const before = stack.engine.state()[0].outputs;
      const refresh = await stack.engine.refresh();
      expect(refresh.steps.map((s) => s.op)).to.deep.equal(["same"]);
      expect(stack.engine.state()[0].outputs).to.deep.equal(before);
    });

    it("runs a new load when the file's content changes", async () => {
      const oldTask = stack.engine.state()[0].outputs.taskId;
      writeFileSync(path.join(dir, "accounts.csv"), second);
      stack.sim.clearRequests();
      const result = await stack.engine.up([stack.load("hr-load", loadInputs("accounts.csv"))]);
      expect(result.errors).to.deep.equal([]);
      expect(result.steps.map((s) => s.op)).to.deep.equal(["update"]);
      expect(apiWrites(stack)).to.deep.equal([`POST ${LOAD_PATH}`]);
      const outputs = stack.engine.state()[0].outputs;
      expect(outputs.taskId).to.not.equal(oldTask);
      expect(outputs).to.deep.include({ csvSha256: sha256(second), rows: 3 });
      expect(outputs.counts).to.deep.equal({ total: 3, created: 1, updated: 1, unchanged: 1, errors: 0 });
      const ulf = stack.sim.admin.listAccounts(HR).find((a) => a.nativeIdentity === "U101")!;
      expect(ulf.attributes!.displayName).to.equal("Ulf Renamed");
    });

    it("refuses an invalid CSV before uploading, naming the input and the rows", async () => {
      writeFileSync(path.join(dir, "bad.csv"), "id,displayName\nU200,A\nU201\nU200,Again\n");
      stack.sim.clearRequests();
      const result = await stack.engine.up([stack.load("hr-load", loadInputs("bad.csv"))]);
      expect(result.errors).to.have.length(1);
      const failures = result.errors[0].checkFailures!.map((f) => `${f.property}: ${f.reason}`);
      expect(failures).to.deep.equal([
        `csvPath: csvPath "${relative("bad.csv")}": row 3: 1 value but the header (row 1) has 2 columns`,
        `csvPath: csvPath "${relative("bad.csv")}": row 4: identity "U200" (column "id") is also on row 2: rows 2 ` +
          `and 4 are the same account`,
      ]);
      expect(apiWrites(stack)).to.deep.equal([]);
    });

    it("checks the identity column against the source's schema", async () => {
      const result = await stack.engine.up([
        stack.load("hr-load", loadInputs("accounts.csv")),
        stack.load("contractors-load", { sourceId: CONTRACTORS, csvContent: first }),
      ]);
      expect(result.steps.map((s) => s.op)).to.deep.equal(["same", "create"]);
      expect(result.errors).to.have.length(1);
      expect(result.errors[0].checkFailures).to.have.length(1);
      expect(result.errors[0].checkFailures![0].property).to.equal("csvContent");
      expect(result.errors[0].checkFailures![0].reason).to.contain('row 1: the header has no column "login"');
      expect(apiWrites(stack)).to.deep.equal([]);
    });

    it("reports a failed load task with its id and messages, and keeps the last good load", async () => {
      const good = stack.engine.state().find((r) => r.name === "hr-load")!.outputs;
      const third = `${second}U103,Ugo Failing,,\n`;
      stack.sim.setFaults({ taskErrorRate: 1 });
      try {
        const result = await stack.engine.up([
          stack.load("hr-load", { sourceId: HR, csvContent: third, pollIntervalMs: 50 }),
        ]);
        expect(result.errors).to.have.length(1);
        const failed = stack.sim.admin.state().tasks.filter((t) => t.completionStatus === "ERROR");
        expect(failed).to.have.length(1);
        const message = result.errors[0].message;
        expect(message).to.contain(`ISC task ${failed[0].id} finished with ERROR`);
        expect(message).to.contain("Simulated failure: task error injected by taskErrorRate");
        expect(message).to.contain(`loading csvContent into source ${HR} failed`);
      } finally {
        stack.sim.resetFaults();
      }
      expect(stack.engine.state().find((r) => r.name === "hr-load")!.outputs).to.deep.equal(good);
    });

    it("changes nothing in the tenant on destroy: loaded accounts stay", async () => {
      stack.sim.clearRequests();
      const result = await stack.engine.destroy();
      expect(result.errors).to.deep.equal([]);
      expect(stack.engine.state()).to.deep.equal([]);
      expect(apiWrites(stack)).to.deep.equal([]);
      expect(stack.sim.admin.listAccounts(HR).filter((a) => a.nativeIdentity.startsWith("U1"))).to.have.length(3);
    });
  });

  describe("SourceClassification", () => {
    let stack: JobsStack;
    before(async () => {
      stack = await startJobsStack(20);
    });
    after(async () => stack?.stop());

    const inputs = (trigger: string) => ({ sourceId: HR, trigger, pollIntervalMs: 50 });

    it("runs classification to COMPLETED and records the counts", async () => {
      stack.proxy.seen.length = 0;
      const result = await stack.engine.up([stack.classification("hr-classify", inputs("v1"))]);
      expect(result.errors).to.deep.equal([]);
      const accounts = stack.sim.admin.listAccounts(HR).length;
      const [state] = stack.engine.state();
      expect(state.id).to.equal(HR);
      expect(state.outputs).to.deep.include({ sourceId: HR, status: "COMPLETED", submitted: accounts, trigger: "v1" });
      expect(state.outputs.counts).to.deep.equal({ expected: accounts, received: accounts, completed: accounts });
      expect(Date.parse(String(state.outputs.started))).to.not.be.NaN;
      expect(stack.proxy.seen.filter((r) => r.method === "POST" && r.path === CLASSIFY_PATH)).to.have.length(1);
    });

    it("does not run again while the trigger is the same", async () => {
      stack.sim.clearRequests();
      const result = await stack.engine.up([
        stack.classification("hr-classify", { ...inputs("v1"), timeoutSeconds: 60 }),
      ]);
      expect(result.steps.map((s) => s.op)).to.deep.equal(["same"]);
      expect(apiWrites(stack)).to.deep.equal([]);
    });

    it("runs again when the trigger changes", async () => {
      const before = stack.engine.state()[0].outputs.started;
      stack.sim.clearRequests();
      const result = await stack.engine.up([stack.classification("hr-classify", inputs("v2"))]);
      expect(result.errors).to.deep.equal([]);
      expect(result.steps.map((s) => s.op)).to.deep.equal(["update"]);
      expect(apiWrites(stack)).to.deep.equal([`POST ${CLASSIFY_PATH}`]);
      const outputs = stack.engine.state()[0].outputs;
      expect(outputs).to.deep.include({ status: "COMPLETED", trigger: "v2" });
      expect(outputs.started).to.not.equal(before);
    });

    it("sends X-SailPoint-Experimental: true on every classify call", () => {
      const classify = stack.proxy.seen.filter((r) => r.path.endsWith("/classify"));
      expect(classify.length).to.be.greaterThan(2);
      expect(classify.filter((r) => r.experimental !== "true")).to.deep.equal([]);
    });

    it("does nothing to the tenant on destroy when no classification is running", async () => {
      stack.sim.clearRequests();
      const result = await stack.engine.destroy();
      expect(result.errors).to.deep.equal([]);
      expect(apiWrites(stack)).to.deep.equal([]);
    });
  });

  describe("SourceClassification that outlasts its timeout", () => {
    let stack: JobsStack;
    // Each classification phase (STARTED, COLLECTED) lasts taskDelayMs in the simulator.
    before(async () => {
      stack = await startJobsStack(1500);
    });
    after(async () => stack?.stop());

    it(
      "records a run that timed out, with its last status, so the next up waits for it instead of " +
        "starting another",
      async () => {
        const timedOut = await stack.engine.up([
          stack.classification("slow", { sourceId: HR, trigger: "a", timeoutSeconds: 1, pollIntervalMs: 100 }),
        ]);
        expect(timedOut.errors).to.have.length(1);
        expect(timedOut.errors[0].message).to.match(
          new RegExp(
            `^classification of source ${HR} did not finish within 1 s; last status: (STARTED|COLLECTED) \\(2 ` +
              `expected, \\d+ received, \\d+ classified\\)`,
          ),
        );
        expect(timedOut.errors[0].initFailed).to.not.equal(undefined);
        expect(stack.engine.state()[0].outputs.status).to.be.oneOf(["STARTED", "COLLECTED"]);

        stack.sim.clearRequests();
        const resumed = await stack.engine.up([
          stack.classification("slow", { sourceId: HR, trigger: "a", timeoutSeconds: 30, pollIntervalMs: 100 }),
        ]);
        expect(resumed.errors).to.deep.equal([]);
        expect(apiWrites(stack)).to.deep.equal([]);
        expect(stack.engine.state()[0].outputs.status).to.equal("COMPLETED");
      },
    );

    it("cancels a running classification on destroy, with the experimental header", async () => {
      const started = await stack.engine.up([
        stack.classification("slow", { sourceId: HR, trigger: "b", timeoutSeconds: 1, pollIntervalMs: 100 }),
      ]);
      expect(started.errors).to.have.length(1);
      expect(stack.sim.admin.state().classifications[HR].status).to.be.oneOf(["STARTED", "COLLECTED"]);

      stack.sim.clearRequests();
      stack.proxy.seen.length = 0;
      const result = await stack.engine.destroy();
      expect(result.errors).to.deep.equal([]);
      expect(apiWrites(stack)).to.deep.equal([`DELETE ${CLASSIFY_PATH}`]);
      expect(stack.proxy.seen.filter((r) => r.method === "DELETE")).to.deep.equal([
        { method: "DELETE", path: CLASSIFY_PATH, experimental: "true" },
      ]);
      expect(stack.sim.admin.state().classifications[HR].status).to.equal("CANCELLED");
    });
  });
});
