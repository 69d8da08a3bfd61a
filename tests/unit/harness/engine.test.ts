import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CommandPlugin } from "../../../harness/command-plugin";
import { PluginEngine, type DesiredResource, type Step } from "../../../harness/engine";
import { serializeDynamicProvider, startProviderPlugin, type ProviderPlugin } from "../../../harness/plugin";
import { makeRecordingProvider, type RecordedOp, type RecordingProvider } from "../../support/recording-provider";

const TYPE = "pulumi-nodejs:dynamic/isc:Account";
/** Where @pulumi/pulumi resolves: the plugin is the program's own (rule 6). */
const PROGRAM_DIR = resolve(__dirname, "..", "..", "..", "..");
const CONFIG = { "isc:baseUrl": "http://sim.local" };

/** The writes the provider was asked for, in order. */
function opsSummary(ops: RecordedOp[]): string[] {
  return ops.filter((o) => o.op === "create" || o.op === "update" || o.op === "delete").map((o) => `${o.op}:${o.key}`);
}

function byName(steps: Step[]): Record<string, Step> {
  return Object.fromEntries(steps.map((s) => [s.name, s]));
}

function sortedState(engine: PluginEngine) {
  return engine.state().sort((a, b) => a.name.localeCompare(b.name));
}

/** The largest number of provider operations that were running at the same instant. */
function maxOverlap(ops: RecordedOp[]): number {
  // Sweep the start/end events in time order (an end before a start at the same instant).
  const events = ops
    .flatMap((o) => [[o.start, 1] as const, [o.end, -1] as const])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let most = 0;
  for (const [, change] of events) most = Math.max(most, (running += change));
  return most;
}

describe("harness/engine: up, preview, refresh and destroy against the real plugin", function () {
  let plugin: ProviderPlugin;
  let recorder: RecordingProvider;
  let providerText: string;
  let engine: PluginEngine;

  const resource = (name: string, inputs: Record<string, unknown>): DesiredResource => ({
    type: TYPE,
    name,
    inputs: { __provider: providerText, key: name, ...inputs },
  });

  before(async function () {
    plugin = await startProviderPlugin({ cwd: PROGRAM_DIR, project: "harness" });
  });

  after(async function () {
    await plugin?.stop();
  });

  afterEach(function () {
    recorder?.remove();
  });

  // A fresh provider (own backend and log) and a fresh engine per test.
  beforeEach(async function () {
    recorder = makeRecordingProvider();
    providerText = await serializeDynamicProvider(recorder.provider);
    engine = new PluginEngine(plugin, { project: "harness", stack: "dev", config: CONFIG });
  });

  it(
    "creates new resources, then a second up with no change is all 'same' and calls no " + "create/update",
    async function () {
      const desired = [resource("a", { value: "1" }), resource("b", { value: "2" })];
      const first = await engine.up(desired);
      expect(first.errors).to.deep.equal([]);
      expect(first.steps.map((s) => s.op)).to.deep.equal(["create", "create"]);
      expect(sortedState(engine).map((r) => [r.name, r.outputs.value, r.outputs.baseUrl])).to.deep.equal([
        ["a", "1", "http://sim.local"],
        ["b", "2", "http://sim.local"],
      ]);

      const writesBefore = opsSummary(recorder.ops()).length;
      const second = await engine.up(desired);
      expect(second.steps.map((s) => s.op)).to.deep.equal(["same", "same"]);
      expect(opsSummary(recorder.ops()).length).to.equal(writesBefore);
      expect(sortedState(engine)[0].urn).to.equal(`urn:pulumi:dev::harness::${TYPE}::a`);
    },
  );

  it("updates in place when the diff has changes but no replaces", async function () {
    await engine.up([resource("a", { value: "1" })]);
    const id = engine.state()[0].id;
    const result = await engine.up([resource("a", { value: "2" })]);
    expect(result.steps.map((s) => s.op)).to.deep.equal(["update"]);
    expect(engine.state()[0]).to.include({ id });
    expect(engine.state()[0].outputs.value).to.equal("2");
    expect(engine.state()[0].inputs.value).to.equal("2");
    expect(recorder.backend()[id]).to.include({ value: "2" });
  });

  it("replaces create-before-delete by default: the new resource exists before the old is deleted", async function () {
    await engine.up([resource("a", { key: "old" })]);
    const oldId = engine.state()[0].id;
    const result = await engine.up([resource("a", { key: "new" })]);
    expect(result.errors).to.deep.equal([]);
    expect(result.steps).to.deep.equal([
      {
        urn: `urn:pulumi:dev::harness::${TYPE}::a`,
        name: "a",
        op: "replace",
        replaces: ["key"],
        deleteBeforeReplace: false,
      },
    ]);
    expect(opsSummary(recorder.ops())).to.deep.equal(["create:old", "create:new", "delete:old"]);
    expect(engine.state()).to.have.length(1);
    expect(engine.state()[0].id).not.to.equal(oldId);
    expect(Object.keys(recorder.backend())).to.deep.equal([engine.state()[0].id]);
  });

  it("replaces delete-before-create when the provider asks for deleteBeforeReplace", async function () {
    await engine.up([resource("a", { key: "old" })]);
    const result = await engine.up([resource("a", { key: "new", dbr: true })]);
    expect(result.steps[0]).to.include({ op: "replace", deleteBeforeReplace: true });
    expect(opsSummary(recorder.ops())).to.deep.equal(["create:old", "delete:old", "create:new"]);
    expect(engine.state().map((r) => r.outputs.key)).to.deep.equal(["new"]);
  });

  it(
    "after a delete-before-replace whose create failed, keeps the deleted resource pending and only creates " +
      "next time",
    async function () {
      await engine.up([resource("a", { key: "old" })]);
      const failed = await engine.up([resource("a", { key: "new", dbr: true, failCreate: "plain" })]);
      expect(failed.errors.map((e) => e.message)).to.deep.equal(["create refused for new"]);
      expect(engine.state().map((r) => [r.outputs.key, r.pendingReplacement])).to.deep.equal([["old", true]]);
      expect(recorder.backend()).to.deep.equal({});

      const retried = await engine.up([resource("a", { key: "new", dbr: true })]);
      expect(retried.errors).to.deep.equal([]);
      expect(retried.steps[0]).to.include({ op: "replace", deleteBeforeReplace: true });
      expect(opsSummary(recorder.ops())).to.deep.equal(["create:old", "delete:old", "create:new"]);
      expect(engine.state().map((r) => [r.outputs.key, r.pendingReplacement])).to.deep.equal([["new", undefined]]);
    },
  );

  it("deletes resources no longer desired, after all creates and updates have finished", async function () {
    await engine.up([resource("keep", { value: "1" }), resource("gone", {})]);
    const result = await engine.up([
      resource("keep", { value: "2", delayMs: 150 }),
      resource("added", { delayMs: 150 }),
    ]);
    expect(result.steps.map((s) => `${s.op}:${s.name}`)).to.deep.equal(["update:keep", "create:added", "delete:gone"]);
    const ops = recorder.ops();
    const deletion = ops.find((o) => o.op === "delete")!;
    for (const o of ops.filter((p) => p.op !== "delete")) expect(deletion.start).to.be.at.least(o.end);
    expect(
      engine
        .state()
        .map((r) => r.name)
        .sort(),
    ).to.deep.equal(["added", "keep"]);
  });

  it(
    "previews with Check and Diff only: reports create/update/replace/same/delete and " + "changes nothing",
    async function () {
      await engine.up([
        resource("same", {}),
        resource("upd", { value: "1" }),
        resource("repl", {}),
        resource("del", {}),
      ]);
      const stateBefore = engine.state();
      const writesBefore = opsSummary(recorder.ops()).length;

      const steps = byName(
        await engine.preview([
          resource("same", {}),
          resource("upd", { value: "2" }),
          resource("repl", { key: "repl2" }),
          resource("new", {}),
        ]),
      );
      expect(steps.same.op).to.equal("same");
      expect(steps.upd.op).to.equal("update");
      expect(steps.repl).to.include({ op: "replace", deleteBeforeReplace: false });
      expect(steps.repl.replaces).to.deep.equal(["key"]);
      expect(steps.new.op).to.equal("create");
      expect(steps.del.op).to.equal("delete");
      expect(opsSummary(recorder.ops()).length).to.equal(writesBefore);
      expect(engine.state()).to.deep.equal(stateBefore);
    },
  );

  it("ends a preview at an invalid resource, as `pulumi preview` fails there", async function () {
    const invalid: DesiredResource = { type: TYPE, name: "invalid", inputs: { __provider: providerText, value: "x" } };
    const steps = await engine.preview([resource("first", {}), invalid, resource("never", {})]);
    expect(steps.map((s) => [s.name, s.op])).to.deep.equal([
      ["first", "create"],
      ["invalid", "create"],
    ]);
    expect(steps[1].error).to.contain("key: key is required");
    expect(recorder.ops().map((o) => o.key)).not.to.include("never");
  });

  it(
    "ends the whole run at an invalid resource: later resources are not checked, even with continueOnError, and " +
      "no deletes run",
    async function () {
      await engine.up([resource("doomed", {})]);
      const invalid: DesiredResource = {
        type: TYPE,
        name: "invalid",
        inputs: { __provider: providerText, value: "x" },
      };
      for (const continueOnError of [false, true]) {
        const result = await engine.up([resource("before", {}), invalid, resource("after", {})], { continueOnError });
        expect(result.stopped).to.equal(true);
        expect(result.steps.map((s) => [s.name, s.op])).to.deep.equal([
          ["before", continueOnError ? "same" : "create"],
          ["invalid", "create"],
        ]);
        expect(result.steps[1].checkFailures).to.deep.equal([{ property: "key", reason: "key is required" }]);
        expect(result.errors.map((e) => e.name)).to.deep.equal(["invalid"]);
        expect(result.errors[0].message).to.contain("key: key is required");
        expect(result.skipped).to.deep.equal(["after", "doomed"]);
        expect(
          recorder.ops().some((o) => o.key === "after"),
          "the resource after the invalid one is never checked",
        ).to.equal(false);
      }
      expect(sortedState(engine).map((r) => r.name)).to.deep.equal(["before", "doomed"]);
    },
  );

  it(
    "stops at the first failed create: no new step starts, and no deletes run, not even of replaced " + "resources",
    async function () {
      const serial = new PluginEngine(plugin, { project: "harness", stack: "dev", parallel: 1, config: CONFIG });
      await serial.up([resource("repl", { key: "old" }), resource("doomed", {})]);
      const result = await serial.up([
        resource("repl", { key: "new" }),
        resource("bad", { failCreate: "plain" }),
        resource("good", {}),
      ]);
      expect(result.stopped).to.equal(true);
      expect(result.errors.map((e) => [e.name, e.op, e.message])).to.deep.equal([
        ["bad", "create", "create refused for bad"],
      ]);
      expect(result.steps.map((s) => [s.name, s.op])).to.deep.equal([
        ["repl", "replace"],
        ["bad", "create"],
      ]);
      expect(result.skipped).to.deep.equal(["good", "doomed"]);
      expect(opsSummary(recorder.ops())).to.deep.equal(["create:old", "create:doomed", "create:new"]);
      expect(serial.state().map((r) => [r.name, r.outputs.key, r.pendingDelete ?? false])).to.deep.equal([
        ["repl", "old", true],
        ["doomed", "doomed", false],
        ["repl", "new", false],
      ]);

      // The next up (the failure fixed) converges: creates what is missing, deletes what is condemned.
      const next = await serial.up([resource("repl", { key: "new" }), resource("bad", {}), resource("good", {})]);
      expect(next.errors).to.deep.equal([]);
      expect(next.stopped).to.equal(false);
      expect(
        serial
          .state()
          .map((r) => r.name)
          .sort(),
      ).to.deep.equal(["bad", "good", "repl"]);
      expect(
        Object.values(recorder.backend())
          .map((r) => r.key)
          .sort(),
      ).to.deep.equal(["bad", "good", "new"]);
    },
  );

  it(
    "with continueOnError, reports a failed create with the provider's message, records nothing, and runs " +
      "the rest",
    async function () {
      await engine.up([resource("doomed", {})]);
      const result = await engine.up([resource("bad", { failCreate: "plain" }), resource("good", {})], {
        continueOnError: true,
      });
      expect(result.stopped).to.equal(false);
      expect(result.errors.map((e) => [e.name, e.op, e.message])).to.deep.equal([
        ["bad", "create", "create refused for bad"],
      ]);
      expect(result.steps[0].error).to.equal("create refused for bad");
      expect(result.steps.map((s) => [s.name, s.op])).to.deep.equal([
        ["bad", "create"],
        ["good", "create"],
        ["doomed", "delete"],
      ]);
      expect(engine.state().map((r) => r.name)).to.deep.equal(["good"]);
    },
  );

  it("runs Check and Diff one resource at a time while creates and updates overlap", async function () {
    const wide = new PluginEngine(plugin, { project: "harness", stack: "dev", parallel: 8, config: CONFIG });
    const names = ["s1", "s2", "s3", "s4"];
    await wide.up(names.map((n) => resource(n, { checkDelayMs: 40, delayMs: 400 })));
    await wide.up(names.map((n) => resource(n, { checkDelayMs: 40, delayMs: 400, value: "changed" })));
    const ops = recorder.ops();
    expect(maxOverlap(ops.filter((o) => o.op === "check" || o.op === "diff"))).to.equal(1);
    expect(ops.filter((o) => o.op === "check").map((o) => o.key)).to.deep.equal([...names, ...names]);
    // Each create waits 400 ms, each Check 40 ms: with 4 checks in a row, the creates still overlap.
    expect(maxOverlap(ops.filter((o) => o.op === "create"))).to.be.greaterThan(1);
  });

  it(
    "records a partially created resource (initFailed) so the next up updates it instead of " + "creating again",
    async function () {
      const first = await engine.up([resource("half", { failCreate: "partial" })]);
      expect(first.errors[0].initFailed?.reasons).to.deep.equal(["initialization failed"]);
      const recorded = engine.state()[0];
      expect(recorded.id).to.equal(first.errors[0].initFailed!.id);
      expect(recorded.outputs.half).to.equal(true);
      expect(recorded.initErrors).to.deep.equal(["initialization failed"]);

      const second = await engine.up([resource("half", {})]);
      expect(second.errors).to.deep.equal([]);
      expect(second.steps.map((s) => s.op)).to.deep.equal(["update"]);
      expect(opsSummary(recorder.ops())).to.deep.equal(["create:half", "update:half"]);
      expect(engine.state()[0]).to.include({ id: recorded.id });
      expect(engine.state()[0].initErrors).to.equal(undefined);
    },
  );

  it("decides an 'unknown' diff by comparing old and new inputs", async function () {
    await engine.up([resource("u", { value: "1", diffUnknown: true })]);
    const same = await engine.up([resource("u", { value: "1", diffUnknown: true })]);
    expect(same.steps[0].op).to.equal("same");
    const changed = await engine.up([resource("u", { value: "2", diffUnknown: true })]);
    expect(changed.steps[0].op).to.equal("update");
  });

  it(
    "refreshes through the provider's Diff: output-only drift is 'same', input drift is 'update', gone is " +
      "'delete'",
    async function () {
      await engine.up([
        resource("drifted", { value: "1" }),
        resource("outputOnly", { value: "1" }),
        resource("vanished", {}),
        resource("steady", {}),
      ]);
      const ids = Object.fromEntries(engine.state().map((r) => [r.name, r.id]));
      const backend = recorder.backend();
      backend[ids.drifted] = { ...backend[ids.drifted], value: "changed outside" };
      // An output the Diff does not look at (not an input): the engine shows no change for it.
      backend[ids.outputOnly] = { ...backend[ids.outputOnly], baseUrl: "http://elsewhere" };
      delete backend[ids.vanished];
      recorder.setBackend(backend);

      const result = await engine.refresh();
      expect(result.errors).to.deep.equal([]);
      expect(Object.fromEntries(result.steps.map((s) => [s.name, s.op]))).to.deep.equal({
        drifted: "update",
        outputOnly: "same",
        vanished: "delete",
        steady: "same",
      });
      const diffs = recorder.ops().filter((o) => o.op === "diff" && o.key === "drifted");
      expect(diffs.at(-1)!.id, "Diff is called with the refreshed id").to.equal(ids.drifted);
      expect(sortedState(engine).map((r) => r.name)).to.deep.equal(["drifted", "outputOnly", "steady"]);
      expect(sortedState(engine)[0].outputs).to.include({ value: "changed outside", __provider: providerText });
      expect(sortedState(engine)[1].outputs).to.include({ baseUrl: "http://elsewhere" });

      const next = await engine.up([
        resource("drifted", { value: "1" }),
        resource("outputOnly", { value: "1" }),
        resource("steady", {}),
      ]);
      expect(next.steps.map((s) => s.op)).to.deep.equal(["update", "same", "same"]);
    },
  );

  it(
    "configures refresh and destroy from state (the config of the last up) and up from the " + "current config",
    async function () {
      const commands = new CommandPlugin(() => startProviderPlugin({ cwd: PROGRAM_DIR, project: "harness" }));
      const stateDir = mkdtempSync(join(tmpdir(), "harness-state-"));
      const statePath = join(stateDir, "state.json");
      const secretConfig = { "isc:baseUrl": "http://first.local", "isc:clientSecret": "first-secret-value" };
      try {
        const stack = new PluginEngine(commands, {
          project: "harness",
          stack: "dev",
          statePath,
          config: secretConfig,
          secretConfigKeys: ["isc:clientSecret"],
        });
        await commands.restart();
        await stack.up([resource("a", {})]);
        expect(readFileSync(statePath, "utf8"), "secret config is encrypted in state").not.to.contain(
          "first-secret-value",
        );

        stack.setConfig({ "isc:baseUrl": "http://rotated.local", "isc:clientSecret": "rotated-secret-value" });
        await commands.restart();
        await stack.refresh();
        const fromFile = new PluginEngine(commands, {
          project: "harness",
          stack: "dev",
          statePath,
          config: { "isc:baseUrl": "http://rotated.local" },
        });
        await commands.restart();
        expect((await fromFile.destroy()).errors).to.deep.equal([]);
        expect(
          recorder
            .ops()
            .filter((o) => o.op === "read" || o.op === "delete")
            .map((o) => [o.op, o.baseUrl]),
        ).to.deep.equal([
          ["read", "http://first.local"],
          ["delete", "http://first.local"],
        ]);

        await commands.restart();
        await fromFile.up([resource("b", {})]);
        expect(
          recorder
            .ops()
            .filter((o) => o.op === "create")
            .map((o) => o.baseUrl),
        ).to.deep.equal(["http://first.local", "http://rotated.local"]);
      } finally {
        await commands.stop();
        rmSync(stateDir, { recursive: true, force: true });
      }
    },
  );

  it(
    "refuses to reuse a plugin process configured with other settings (the CLI starts one per " + "command)",
    async function () {
      const other = new PluginEngine(plugin, {
        project: "harness",
        stack: "dev",
        config: { "isc:baseUrl": "http://other.local" },
      });
      let failure: unknown;
      try {
        await other.up([resource("x", {})]);
      } catch (error) {
        failure = error;
      }
      expect(String(failure)).to.contain("start a fresh plugin per command");
    },
  );

  it("destroys every resource and empties the state", async function () {
    await engine.up([resource("a", {}), resource("b", {})]);
    const result = await engine.destroy();
    expect(result.errors).to.deep.equal([]);
    expect(result.steps.map((s) => s.op)).to.deep.equal(["delete", "delete"]);
    expect(engine.state()).to.deep.equal([]);
    expect(recorder.backend()).to.deep.equal({});
  });

  it("keeps a resource whose delete failed in state and reports the error", async function () {
    await engine.up([resource("stuck", { failDelete: true })]);
    const result = await engine.destroy();
    expect(result.errors.map((e) => [e.name, e.op])).to.deep.equal([["stuck", "delete"]]);
    expect(result.errors[0].message).to.match(/^delete refused for stuck-/);
    expect(engine.state().map((r) => r.name)).to.deep.equal(["stuck"]);
  });

  it("runs at most `parallel` resource operations at once", async function () {
    const limited = new PluginEngine(plugin, { project: "harness", stack: "dev", parallel: 2, config: CONFIG });
    const names = ["p1", "p2", "p3", "p4", "p5"];
    await limited.up(names.map((n) => resource(n, { delayMs: 250 })));
    expect(maxOverlap(recorder.ops().filter((o) => o.op === "create"))).to.equal(2);
  });

  it("persists state to statePath after every step, so a new engine continues from it", async function () {
    const stateDir = mkdtempSync(join(tmpdir(), "harness-state-"));
    const statePath = join(stateDir, "state.json");
    const first = new PluginEngine(plugin, { project: "harness", stack: "dev", statePath, config: CONFIG });
    await first.up([resource("kept", { value: "1" })]);

    const second = new PluginEngine(plugin, { project: "harness", stack: "dev", statePath, config: CONFIG });
    expect(second.state()).to.deep.equal(first.state());
    const result = await second.up([resource("kept", { value: "1" })]);
    expect(result.steps.map((s) => s.op)).to.deep.equal(["same"]);
    rmSync(stateDir, { recursive: true, force: true });
  });
});
