import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PluginEngine, type DesiredResource, type Step } from "../../../harness/engine";
import { serializeDynamicProvider, startProviderPlugin, type ProviderPlugin } from "../../../harness/plugin";
import { makeRecordingProvider, type RecordedOp, type RecordingProvider } from "./recording-provider";

const TYPE = "pulumi-nodejs:dynamic/isc:Account";

function opsSummary(ops: RecordedOp[]): string[] {
  return ops.filter((o) => o.op !== "read").map((o) => `${o.op}:${o.key}`);
}

function byName(steps: Step[]): Record<string, Step> {
  return Object.fromEntries(steps.map((s) => [s.name, s]));
}

function sortedState(engine: PluginEngine) {
  return engine.state().sort((a, b) => a.name.localeCompare(b.name));
}

/** The largest number of provider operations that were running at the same instant. */
function maxOverlap(ops: RecordedOp[]): number {
  return Math.max(...ops.map((o) => ops.filter((p) => p.start < o.end && o.start < p.end).length));
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
    plugin = await startProviderPlugin({ cwd: tmpdir(), project: "harness" });
    await plugin.configure({ "isc:baseUrl": "http://sim.local" });
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
    engine = new PluginEngine(plugin, { project: "harness", stack: "dev" });
  });

  it("creates new resources, then a second up with no change is all 'same' and calls no create/update", async function () {
    const desired = [resource("a", { value: "1" }), resource("b", { value: "2" })];
    const first = await engine.up(desired);
    expect(first.errors).to.deep.equal([]);
    expect(first.steps.map((s) => s.op)).to.deep.equal(["create", "create"]);
    expect(sortedState(engine).map((r) => [r.name, r.outputs.value, r.outputs.baseUrl])).to.deep.equal([
      ["a", "1", "http://sim.local"],
      ["b", "2", "http://sim.local"],
    ]);

    const opsBefore = recorder.ops().length;
    const second = await engine.up(desired);
    expect(second.steps.map((s) => s.op)).to.deep.equal(["same", "same"]);
    expect(recorder.ops().length).to.equal(opsBefore);
    expect(sortedState(engine)[0]!.urn).to.equal(`urn:pulumi:dev::harness::${TYPE}::a`);
  });

  it("updates in place when the diff has changes but no replaces", async function () {
    await engine.up([resource("a", { value: "1" })]);
    const id = engine.state()[0]!.id;
    const result = await engine.up([resource("a", { value: "2" })]);
    expect(result.steps.map((s) => s.op)).to.deep.equal(["update"]);
    expect(engine.state()[0]).to.include({ id });
    expect(engine.state()[0]!.outputs.value).to.equal("2");
    expect(engine.state()[0]!.inputs.value).to.equal("2");
    expect(recorder.backend()[id]).to.include({ value: "2" });
  });

  it("replaces create-before-delete by default: the new resource exists before the old is deleted", async function () {
    await engine.up([resource("a", { key: "old" })]);
    const oldId = engine.state()[0]!.id;
    const result = await engine.up([resource("a", { key: "new" })]);
    expect(result.errors).to.deep.equal([]);
    expect(result.steps).to.deep.equal([
      { urn: `urn:pulumi:dev::harness::${TYPE}::a`, name: "a", op: "replace", replaces: ["key"], deleteBeforeReplace: false },
    ]);
    expect(opsSummary(recorder.ops())).to.deep.equal(["create:old", "create:new", "delete:old"]);
    expect(engine.state()).to.have.length(1);
    expect(engine.state()[0]!.id).not.to.equal(oldId);
    expect(Object.keys(recorder.backend())).to.deep.equal([engine.state()[0]!.id]);
  });

  it("replaces delete-before-create when the provider asks for deleteBeforeReplace", async function () {
    await engine.up([resource("a", { key: "old" })]);
    const result = await engine.up([resource("a", { key: "new", dbr: true })]);
    expect(result.steps[0]).to.include({ op: "replace", deleteBeforeReplace: true });
    expect(opsSummary(recorder.ops())).to.deep.equal(["create:old", "delete:old", "create:new"]);
    expect(engine.state().map((r) => r.outputs.key)).to.deep.equal(["new"]);
  });

  it("after a delete-before-replace whose create failed, keeps the deleted resource pending and only creates next time", async function () {
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
  });

  it("deletes resources no longer desired, after all creates and updates have finished", async function () {
    await engine.up([resource("keep", { value: "1" }), resource("gone", {})]);
    const result = await engine.up([resource("keep", { value: "2", delayMs: 150 }), resource("added", { delayMs: 150 })]);
    expect(result.steps.map((s) => `${s.op}:${s.name}`)).to.deep.equal(["update:keep", "create:added", "delete:gone"]);
    const ops = recorder.ops();
    const deletion = ops.find((o) => o.op === "delete")!;
    for (const o of ops.filter((p) => p.op !== "delete")) expect(deletion.start).to.be.at.least(o.end);
    expect(engine.state().map((r) => r.name).sort()).to.deep.equal(["added", "keep"]);
  });

  it("previews with Check and Diff only: reports create/update/replace/same/delete and changes nothing", async function () {
    await engine.up([resource("same", {}), resource("upd", { value: "1" }), resource("repl", {}), resource("del", {})]);
    const stateBefore = engine.state();
    const opsBefore = recorder.ops().length;

    const steps = byName(
      await engine.preview([
        resource("same", {}),
        resource("upd", { value: "2" }),
        resource("repl", { key: "repl2" }),
        resource("new", {}),
      ]),
    );
    expect(steps.same!.op).to.equal("same");
    expect(steps.upd!.op).to.equal("update");
    expect(steps.repl).to.include({ op: "replace", deleteBeforeReplace: false });
    expect(steps.repl!.replaces).to.deep.equal(["key"]);
    expect(steps.new!.op).to.equal("create");
    expect(steps.del!.op).to.equal("delete");
    expect(recorder.ops().length).to.equal(opsBefore);
    expect(engine.state()).to.deep.equal(stateBefore);
  });

  it("stops a resource with check failures (property and reason) without stopping the others", async function () {
    const invalid: DesiredResource = { type: TYPE, name: "invalid", inputs: { __provider: providerText, value: "x" } };
    const result = await engine.up([invalid, resource("valid", {})]);
    expect(result.steps[0]).to.include({ op: "create" });
    expect(result.steps[0]!.checkFailures).to.deep.equal([{ property: "key", reason: "key is required" }]);
    expect(result.errors).to.have.length(1);
    expect(result.errors[0]).to.include({ name: "invalid" });
    expect(result.errors[0]!.message).to.contain("key: key is required");
    expect(engine.state().map((r) => r.name)).to.deep.equal(["valid"]);
  });

  it("reports a failed create with the provider's message and records nothing", async function () {
    const result = await engine.up([resource("bad", { failCreate: "plain" }), resource("good", {})]);
    expect(result.errors.map((e) => [e.name, e.op, e.message])).to.deep.equal([["bad", "create", "create refused for bad"]]);
    expect(result.steps[0]!.error).to.equal("create refused for bad");
    expect(engine.state().map((r) => r.name)).to.deep.equal(["good"]);
  });

  it("records a partially created resource (initFailed) so the next up updates it instead of creating again", async function () {
    const first = await engine.up([resource("half", { failCreate: "partial" })]);
    expect(first.errors[0]!.initFailed?.reasons).to.deep.equal(["initialization failed"]);
    const recorded = engine.state()[0]!;
    expect(recorded.id).to.equal(first.errors[0]!.initFailed!.id);
    expect(recorded.outputs.half).to.equal(true);
    expect(recorded.initErrors).to.deep.equal(["initialization failed"]);

    const second = await engine.up([resource("half", {})]);
    expect(second.errors).to.deep.equal([]);
    expect(second.steps.map((s) => s.op)).to.deep.equal(["update"]);
    expect(opsSummary(recorder.ops())).to.deep.equal(["create:half", "update:half"]);
    expect(engine.state()[0]).to.include({ id: recorded.id });
    expect(engine.state()[0]!.initErrors).to.equal(undefined);
  });

  it("decides an 'unknown' diff by comparing old and new inputs", async function () {
    await engine.up([resource("u", { value: "1", diffUnknown: true })]);
    const same = await engine.up([resource("u", { value: "1", diffUnknown: true })]);
    expect(same.steps[0]!.op).to.equal("same");
    const changed = await engine.up([resource("u", { value: "2", diffUnknown: true })]);
    expect(changed.steps[0]!.op).to.equal("update");
  });

  it("refreshes: stores what Read returns, reports changed outputs, and drops resources Read reports gone", async function () {
    await engine.up([resource("drifted", { value: "1" }), resource("vanished", {}), resource("steady", {})]);
    const ids = Object.fromEntries(engine.state().map((r) => [r.name, r.id]));
    const backend = recorder.backend();
    backend[ids.drifted!] = { ...backend[ids.drifted!], value: "changed outside" };
    delete backend[ids.vanished!];
    recorder.setBackend(backend);

    const result = await engine.refresh();
    expect(result.errors).to.deep.equal([]);
    expect(Object.fromEntries(result.steps.map((s) => [s.name, s.op]))).to.deep.equal({
      drifted: "update",
      vanished: "delete",
      steady: "same",
    });
    expect(sortedState(engine).map((r) => r.name)).to.deep.equal(["drifted", "steady"]);
    expect(sortedState(engine)[0]!.outputs).to.include({ value: "changed outside", __provider: providerText });

    const next = await engine.up([resource("drifted", { value: "1" }), resource("steady", {})]);
    expect(next.steps.map((s) => s.op)).to.deep.equal(["update", "same"]);
  });

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
    expect(result.errors[0]!.message).to.match(/^delete refused for stuck-/);
    expect(engine.state().map((r) => r.name)).to.deep.equal(["stuck"]);
  });

  it("runs at most `parallel` resource operations at once", async function () {
    const limited = new PluginEngine(plugin, { project: "harness", stack: "dev", parallel: 2 });
    const names = ["p1", "p2", "p3", "p4", "p5"];
    await limited.up(names.map((n) => resource(n, { delayMs: 250 })));
    expect(maxOverlap(recorder.ops())).to.equal(2);
  });

  it("persists state to statePath after every step, so a new engine continues from it", async function () {
    const stateDir = mkdtempSync(join(tmpdir(), "harness-state-"));
    const statePath = join(stateDir, "state.json");
    const first = new PluginEngine(plugin, { project: "harness", stack: "dev", statePath });
    await first.up([resource("kept", { value: "1" })]);

    const second = new PluginEngine(plugin, { project: "harness", stack: "dev", statePath });
    expect(second.state()).to.deep.equal(first.state());
    const result = await second.up([resource("kept", { value: "1" })]);
    expect(result.steps.map((s) => s.op)).to.deep.equal(["same"]);
    rmSync(stateDir, { recursive: true, force: true });
  });
});
