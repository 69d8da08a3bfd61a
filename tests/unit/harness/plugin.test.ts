import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CommandPlugin } from "../../../harness/command-plugin";
import {
  resolveDynamicProviderPlugin,
  startProviderPlugin,
  serializeDynamicProvider,
  urnFor,
  PluginCallError,
  UNKNOWN,
  type ProviderPlugin,
} from "../../../harness/plugin";
import { makeRecordingProvider, type RecordingProvider } from "../../support/recording-provider";

const TYPE = "pulumi-nodejs:dynamic/isc:Account";
const urn = (name: string) => urnFor("dev", "harness", TYPE, name);
/** Where @pulumi/pulumi resolves: the plugin is the program's own. */
const PROGRAM_DIR = resolve(__dirname, "..", "..", "..", "..");

async function rejectionOf(promise: Promise<unknown>): Promise<PluginCallError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(PluginCallError);
    return error as PluginCallError;
  }
  throw new Error("expected the call to fail");
}

describe("harness/plugin: the real dynamic-provider plugin over gRPC", function () {
  let recorder: RecordingProvider;
  let plugin: ProviderPlugin;
  let providerText: string;

  before(async function () {
    recorder = makeRecordingProvider();
    providerText = await serializeDynamicProvider(recorder.provider);
    plugin = await startProviderPlugin({ cwd: PROGRAM_DIR, project: "harness" });
  });

  after(async function () {
    await plugin?.stop();
    recorder?.remove();
  });

  it("starts the plugin process, which reports the port it serves on", function () {
    expect(plugin.port).to.be.greaterThan(0);
    expect(() => process.kill(plugin.pid, 0)).not.to.throw();
  });

  it(
    "configures like the engine: the provider's configure sees the stack config, secrets are not " + "accepted",
    async function () {
      const result = await plugin.configure({ "isc:baseUrl": "http://sim.local", "harness:tier": "gold" });
      expect(result).to.deep.equal({ acceptSecrets: false, supportsPreview: false });

      const created = await plugin.create(urn("configured"), { __provider: providerText, key: "configured" });
      expect(created.properties.baseUrl).to.equal("http://sim.local");
      expect(created.properties.tier, "un-namespaced key read in the project's namespace").to.equal("gold");
    },
  );

  it("takes the same Configure again, and refuses other settings in the same process", async function () {
    await plugin.configure({ "isc:baseUrl": "http://sim.local", "harness:tier": "gold" });
    let failure: unknown;
    try {
      await plugin.configure({ "isc:baseUrl": "http://other.local" });
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.contain("already configured with other settings");
  });

  it("returns the provider's check failures with property and reason, and the checked inputs", async function () {
    const failed = await plugin.check(urn("nokey"), {}, { __provider: providerText, value: "v" });
    expect(failed.failures).to.deep.equal([{ property: "key", reason: "key is required" }]);

    const ok = await plugin.check(urn("ok"), {}, { __provider: providerText, key: "ok", value: UNKNOWN });
    expect(ok.failures).to.deep.equal([]);
    expect(ok.inputs).to.deep.equal({ __provider: providerText, key: "ok", value: UNKNOWN });
  });

  it("maps diff answers to some/none/unknown with replaces and deleteBeforeReplace", async function () {
    const olds = { __provider: providerText, key: "a", value: "1" };
    const diff = (news: Record<string, unknown>) =>
      plugin.diff(urn("a"), "a-1", olds, { __provider: providerText, ...news });

    expect(await diff({ key: "a", value: "1" })).to.deep.equal({
      changes: "none",
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await diff({ key: "a", value: "2" })).to.deep.equal({
      changes: "some",
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await diff({ key: "b", value: "1", dbr: true })).to.deep.equal({
      changes: "some",
      replaces: ["key"],
      deleteBeforeReplace: true,
    });
    expect((await diff({ key: "a", value: "1", diffUnknown: true })).changes).to.equal("unknown");
  });

  it("creates, reads, updates and deletes through the provider", async function () {
    const created = await plugin.create(urn("crud"), { __provider: providerText, key: "crud", value: "one" });
    expect(created.id).to.match(/^crud-/);
    expect(created.properties).to.include({ key: "crud", value: "one", __provider: providerText });
    expect(recorder.backend()[created.id]).to.include({ value: "one" });

    const read = await plugin.read(urn("crud"), created.id, created.properties, { key: "crud" });
    expect(read.id).to.equal(created.id);
    expect(read.properties).to.include({ key: "crud", value: "one" });

    const updated = await plugin.update(urn("crud"), created.id, created.properties, {
      __provider: providerText,
      key: "crud",
      value: "two",
    });
    expect(updated.properties).to.include({ value: "two" });
    expect(recorder.backend()[created.id]).to.include({ value: "two" });

    await plugin.delete(urn("crud"), created.id, updated.properties);
    expect(recorder.backend()).not.to.have.property(created.id);
    const gone = await plugin.read(urn("crud"), created.id, updated.properties, {});
    expect(gone.id).to.equal("");
    expect(recorder.ops().map((o) => o.op)).to.include.members(["create", "read", "update", "delete"]);
  });

  it("rejects a failed create with the provider's error message", async function () {
    const error = await rejectionOf(
      plugin.create(urn("refused"), { __provider: providerText, key: "refused", failCreate: "plain" }),
    );
    expect(error.message).to.equal("create refused for refused");
    expect(error.method).to.equal("create");
    expect(error.code).to.equal(2);
    expect(error.initFailed).to.equal(undefined);
  });

  it(
    "parses ErrorResourceInitFailed details when the thrown error carries id, properties " + "and reasons",
    async function () {
      const error = await rejectionOf(
        plugin.create(urn("half"), { __provider: providerText, key: "half", failCreate: "partial" }),
      );
      expect(error.message).to.match(/^created half-\w+ but it failed to initialize$/);
      expect(error.initFailed?.id).to.match(/^half-/);
      expect(error.initFailed?.properties).to.include({ key: "half", half: true });
      expect(error.initFailed?.reasons).to.deep.equal(["initialization failed"]);
      expect(recorder.backend()).to.have.property(error.initFailed!.id);
    },
  );
});

describe("harness/plugin: deadlines and plugin death", function () {
  let recorder: RecordingProvider;
  let plugin: ProviderPlugin;
  let providerText: string;

  before(async function () {
    recorder = makeRecordingProvider();
    providerText = await serializeDynamicProvider({
      ...recorder.provider,
      async update() {
        process.stderr.write("fatal: the simulated provider crashed\n");
        process.exit(3);
      },
    });
    plugin = await startProviderPlugin({ cwd: PROGRAM_DIR, callTimeoutMs: 400 });
    await plugin.configure({});
  });

  after(async function () {
    await plugin?.stop();
    recorder?.remove();
  });

  it("gives every call a deadline", async function () {
    const error = await rejectionOf(
      plugin.create(urn("slow"), { __provider: providerText, key: "slow", delayMs: 1500 }),
    );
    expect(error.code).to.equal(4); // DEADLINE_EXCEEDED
  });

  it("rejects calls to a plugin that died with its exit status and last stderr lines", async function () {
    const error = await rejectionOf(
      plugin.update(urn("x"), "x-1", { key: "x" }, { __provider: providerText, key: "x" }),
    );
    expect(error.message).to.contain("exited with code 3");
    expect(error.message).to.contain("fatal: the simulated provider crashed");
    expect(plugin.outputTail()).to.include("fatal: the simulated provider crashed");

    const later = await rejectionOf(plugin.check(urn("x"), {}, { __provider: providerText, key: "x" }));
    expect(later.message).to.contain("exited with code 3");
  });
});

describe("harness/plugin: what the CLI prints of the plugin's output", function () {
  /** A provider whose Check writes to both streams, blank lines among them. */
  const talkative = () =>
    serializeDynamicProvider({
      async check(_olds: unknown, news: Record<string, unknown>) {
        process.stderr.write("warning: told on stderr  \n   \n");
        process.stdout.write("told on stdout\n\n");
        return { inputs: news };
      },
      async create() {
        return { id: "never" };
      },
    });
  const printedBy = async (plugin: ProviderPlugin, expected: number) => {
    // The lines travel through pipes: they may land a moment after the call's answer.
    for (const deadline = Date.now() + 5_000; plugin.diagnostics().length < expected && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return plugin.diagnostics();
  };

  it("keeps every non-blank line of stderr, and of stdout after the port, right-trimmed", async function () {
    const providerText = await talkative();
    const plugin = await startProviderPlugin({ cwd: PROGRAM_DIR });
    try {
      await plugin.configure({});
      await plugin.check(urn("x"), {}, { __provider: providerText });
      const printed = await printedBy(plugin, 2);
      expect(printed).to.include.members(["warning: told on stderr", "told on stdout"]);
      expect(printed.filter((line) => line.trim() === "" || line !== line.trimEnd())).to.deep.equal([]);
      expect(plugin.outputTail()).to.include("stdout| told on stdout");
    } finally {
      await plugin.stop();
    }
  });

  it("keeps what every command's plugin printed, across the fresh plugin of each command", async function () {
    const providerText = await talkative();
    const plugin = new CommandPlugin(() => startProviderPlugin({ cwd: PROGRAM_DIR }));
    try {
      for (const command of ["preview", "up"]) {
        await plugin.restart();
        await plugin.configure({});
        await plugin.check(urn(command), {}, { __provider: providerText });
        await printedBy(plugin, command === "preview" ? 2 : 4);
      }
      expect(plugin.diagnostics().filter((line) => line === "told on stdout")).to.have.length(2);
    } finally {
      await plugin.stop();
    }
  });
});

describe("harness/plugin: the program's own @pulumi/pulumi", function () {
  it("runs the dynamic-provider plugin that resolves from the program directory, as the CLI does", function () {
    const programDir = mkdtempSync(join(tmpdir(), "harness-program-"));
    try {
      const pluginDir = join(programDir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider");
      mkdirSync(pluginDir, { recursive: true });
      writeFileSync(
        join(programDir, "node_modules", "@pulumi", "pulumi", "package.json"),
        JSON.stringify({ name: "@pulumi/pulumi", version: "3.139.0" }),
      );
      writeFileSync(join(pluginDir, "index.js"), "");
      expect(resolveDynamicProviderPlugin(programDir)).to.equal(join(pluginDir, "index.js"));
    } finally {
      rmSync(programDir, { recursive: true, force: true });
    }
  });

  it("fails with the reason when the program directory has no @pulumi/pulumi", async function () {
    const programDir = mkdtempSync(join(tmpdir(), "harness-program-"));
    try {
      let failure: unknown;
      try {
        await startProviderPlugin({ cwd: programDir });
      } catch (error) {
        failure = error;
      }
      expect(String(failure)).to.contain(`@pulumi/pulumi cannot be resolved from ${programDir}`);
    } finally {
      rmSync(programDir, { recursive: true, force: true });
    }
  });
});

describe("harness/plugin: withoutSailEnv", function () {
  it(
    "keeps this process's SAIL_* connection variables out of the plugin's environment, and passes " + "the rest",
    async function () {
      const saved = { url: process.env.SAIL_BASE_URL, extra: process.env.HARNESS_PROBE };
      process.env.SAIL_BASE_URL = "https://leaked.api.identitynow.com";
      process.env.HARNESS_PROBE = "kept";
      const recorder = makeRecordingProvider();
      const plugin = await startProviderPlugin({ cwd: PROGRAM_DIR, withoutSailEnv: true });
      try {
        const environ = readFileSync(`/proc/${plugin.pid}/environ`, "utf8").split("\0");
        expect(environ).to.include("HARNESS_PROBE=kept");
        expect(environ.filter((e) => e.startsWith("SAIL_"))).to.deep.equal([]);
      } finally {
        await plugin.stop();
        recorder.remove();
        if (saved.url === undefined) delete process.env.SAIL_BASE_URL;
        else process.env.SAIL_BASE_URL = saved.url;
        if (saved.extra === undefined) delete process.env.HARNESS_PROBE;
        else process.env.HARNESS_PROBE = saved.extra;
      }
    },
  );
});
