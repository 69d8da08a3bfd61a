import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { resolve } from "node:path";
import { captureProgram } from "../../../harness/program";
import { PluginEngine } from "../../../harness/engine";
import { startProviderPlugin, UNKNOWN, type ProviderPlugin } from "../../../harness/plugin";
import { makeRecordingProvider, type RecordingProvider } from "../../support/recording-provider";

class Account extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<string>;
  declare readonly baseUrl: pulumi.Output<string>;
  constructor(
    provider: pulumi.dynamic.ResourceProvider,
    name: string,
    args: { key: pulumi.Input<string>; value?: pulumi.Input<string> },
  ) {
    super(provider, name, { value: undefined, baseUrl: undefined, ...args }, undefined, "isc", "Account");
  }
}
/** Where @pulumi/pulumi resolves: the plugin is the program's own. */
const PROGRAM_DIR = resolve(__dirname, "..", "..", "..", "..");

describe("harness/program: capturing a Pulumi program's registrations under mocks", function () {
  let recorder: RecordingProvider;
  let plugin: ProviderPlugin;

  before(async function () {
    recorder = makeRecordingProvider();
    plugin = await startProviderPlugin({ cwd: PROGRAM_DIR, project: "harness" });
  });

  after(async function () {
    await plugin?.stop();
    recorder?.remove();
  });

  it(
    "captures each dynamic resource's inputs, including __provider, config-derived and secret inputs, and " +
      "the outputs",
    async function () {
      const captured = await captureProgram(
        () => {
          const config = new pulumi.Config("isc");
          const account = new Account(recorder.provider, "alice", {
            key: "alice",
            value: pulumi.secret(config.require("owner")),
          });
          return { accountValue: account.value, plain: 42 };
        },
        { project: "harness", stack: "dev", config: { "isc:owner": "team-a" } },
      );

      expect(captured.resources).to.have.length(1);
      const [account] = captured.resources;
      expect(account).to.include({ type: "pulumi-nodejs:dynamic/isc:Account", name: "alice" });
      expect(account.inputs).to.include({ key: "alice", value: "team-a" });
      expect(account.inputs.__provider).to.be.a("string").and.contain("exports.handler");
      expect(captured.outputs).to.deep.equal({ accountValue: "team-a", plain: 42 });
    },
  );

  it(
    "produces inputs that the real plugin accepts: the captured __provider runs in the " + "plugin process",
    async function () {
      const captured = await captureProgram(
        () => {
          new Account(recorder.provider, "bob", { key: "bob", value: "v1" });
          new Account(recorder.provider, "carol", { key: "carol" });
        },
        { project: "harness", stack: "dev" },
      );
      const engine = new PluginEngine(plugin, {
        project: "harness",
        stack: "dev",
        config: { "isc:baseUrl": "http://sim.local" },
      });
      const result = await engine.up(captured.resources);

      expect(result.errors).to.deep.equal([]);
      expect(result.steps.map((s) => s.op)).to.deep.equal(["create", "create"]);
      expect(
        Object.values(recorder.backend())
          .map((r) => r.key)
          .sort(),
      ).to.deep.equal(["bob", "carol"]);
      expect(engine.state().every((r) => r.outputs.baseUrl === "http://sim.local")).to.equal(true);
    },
  );

  it(
    "rejects with the serialization error when a provider cannot be serialized (it never reaches " + "the mock)",
    async function () {
      const lookup = new Map<string, string>().get.bind(new Map<string, string>());
      const unserializable: pulumi.dynamic.ResourceProvider = {
        async create(inputs) {
          return { id: lookup("id") ?? "none", outs: inputs };
        },
      };

      let rejection: unknown;
      try {
        await captureProgram(
          () => {
            new Account(unserializable, "broken", { key: "broken" });
            new Account(recorder.provider, "fine", { key: "fine" });
          },
          { project: "harness", stack: "dev" },
        );
      } catch (error) {
        rejection = error;
      }
      expect(rejection).to.be.instanceOf(Error);
      expect((rejection as Error).message).to.contain('error serializing property "__provider"');
      expect((rejection as Error).message).to.contain("native code");
    },
  );

  it("can capture again in the same process after a failed capture, with the new config only", async function () {
    const captured = await captureProgram(
      () => {
        const config = new pulumi.Config("isc");
        new Account(recorder.provider, "dave", { key: config.require("who") });
        return { sawOwner: config.get("owner") ?? "unset" };
      },
      { project: "harness", stack: "dev", config: { "isc:who": "dave" } },
    );
    expect(captured.resources.map((r) => r.inputs.key)).to.deep.equal(["dave"]);
    expect(captured.outputs).to.deep.equal({ sawOwner: "unset" });
  });

  it("in preview mode, sends what a resource being created cannot know yet as the UNKNOWN sentinel", async function () {
    const program = () => {
      const kept = new Account(recorder.provider, "kept", { key: "kept" });
      const fresh = new Account(recorder.provider, "fresh", { key: "fresh", value: "v" });
      new Account(recorder.provider, "dependant", {
        key: pulumi.interpolate`${fresh.value}-${fresh.id}`,
        value: fresh.baseUrl,
      });
      new Account(recorder.provider, "onKept", { key: kept.id });
    };
    const captured = await captureProgram(program, {
      project: "harness",
      stack: "dev",
      preview: { existing: (_type, name) => (name === "kept" ? "kept-1" : undefined) },
    });
    const inputs = Object.fromEntries(captured.resources.map((r) => [r.name, r.inputs]));
    expect(inputs.dependant).to.include({ key: UNKNOWN, value: UNKNOWN });
    expect(inputs.onKept).to.include({ key: "kept-1" });

    const up = await captureProgram(program, { project: "harness", stack: "dev" });
    expect(up.resources.find((r) => r.name === "dependant")!.inputs.key).to.equal("v-fresh-id");
  });
});
