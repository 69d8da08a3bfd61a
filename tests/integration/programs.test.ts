/**
 * Pulumi programs under `pulumi.runtime.setMocks`: the examples and the top-level GitOps program
 * register what they should, and every dynamic provider serializes (a serialization failure shows
 * up under mocks only as an unhandled rejection, which captureProgram turns into a failure).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { captureProgram } from "../../harness/program";
import { serializeDynamicProvider } from "../../harness/plugin";
import {
  Account,
  accountProvider,
  sourceClassificationProvider,
  uncorrelatedAccountsLoadProvider,
} from "../../provider";
import { DEMO_IDS } from "../../simulator/seed";

const DIST = path.resolve(__dirname, "..", "..");
const REPO_ROOT = path.resolve(DIST, "..");
const ACCOUNT_TYPE = "pulumi-nodejs:dynamic/isc:Account";

/**
 * Runs a compiled program afresh (Node caches modules) with its project directory as the working
 * directory, as Pulumi does.
 */
async function capture(program: string, projectDir: string, opts: Parameters<typeof captureProgram>[1]) {
  const file = path.join(DIST, program);
  const cwd = process.cwd();
  process.chdir(path.join(REPO_ROOT, projectDir));
  try {
    return await captureProgram(() => {
      delete require.cache[require.resolve(file)];
      return require(file);
    }, opts);
  } finally {
    process.chdir(cwd);
  }
}

describe("serialized providers", () => {
  for (const [name, provider] of Object.entries({
    accountProvider,
    uncorrelatedAccountsLoadProvider,
    sourceClassificationProvider,
  })) {
    it(`${name} serializes to a few kilobytes that capture no client code`, async () => {
      const text = await serializeDynamicProvider(provider);
      console.log(`      (${name}: ${text.length} bytes in __provider per resource)`);
      expect(text.length).to.be.lessThan(4096);
      expect(text).to.contain("pulumi-isc-accounts/dist/provider/resources/");
      for (const leaked of ["axios", "createIscClient", "clientSecret", "access_token"])
        expect(text).to.not.contain(leaked);
    });
  }
});

describe("programs under pulumi.runtime.setMocks", function () {
  this.timeout(30_000);

  it("a program declaring Accounts registers them with a serialized provider", async () => {
    const captured = await captureProgram(
      () => {
        const a = new Account("a", {
          sourceId: DEMO_IDS.hrSource,
          nativeIdentity: "x1",
          attributes: { email: "x1@example.com" },
        });
        new Account("b", { sourceId: DEMO_IDS.hrSource, nativeIdentity: "x2", enabled: false, identityId: null });
        // Output properties must survive class-field initialisation (ES2022 `declare` fields).
        for (const output of [a.accountId, a.attributes, a.disabled, a.identityId])
          expect(pulumi.Output.isInstance(output)).to.equal(true);
        return { id: a.accountId };
      },
      { project: "p", stack: "s" },
    );
    expect(captured.resources.map((r) => [r.type, r.name])).to.deep.equal([
      [ACCOUNT_TYPE, "a"],
      [ACCOUNT_TYPE, "b"],
    ]);
    const provider = captured.resources[0].inputs.__provider;
    expect(provider)
      .to.be.a("string")
      .and.equal(await serializeDynamicProvider(accountProvider));
    expect(captured.resources[1].inputs).to.deep.include({ enabled: false, identityId: null, nativeIdentity: "x2" });
    expect(captured.resources[1].inputs).to.not.have.property("attributes");
  });

  it("examples/basic declares one account with correlation and enabled state from config", async () => {
    const captured = await capture("examples/basic/index.js", "examples/basic", {
      project: "isc-accounts-basic",
      stack: "dev",
      config: { "isc-accounts-basic:enabled": "false", "isc-accounts-basic:identityId": "none" },
    });
    expect(captured.resources).to.have.length(1);
    expect(captured.resources[0].inputs).to.deep.include({
      sourceId: DEMO_IDS.hrSource,
      nativeIdentity: "E2001",
      enabled: false,
      identityId: null,
    });
  });

  it("examples/gitops declares every account of its two definition files under stable names", async () => {
    const captured = await capture("examples/gitops/index.js", "examples/gitops", {
      project: "isc-accounts-gitops",
      stack: "dev",
    });
    const names = captured.resources.map((r) => r.name).sort();
    expect(names).to.deep.equal(
      [
        `${DEMO_IDS.contractorsSource}/alan.t`,
        `${DEMO_IDS.contractorsSource}/g.hopper.ext`,
        `${DEMO_IDS.hrSource}/E1001`,
        `${DEMO_IDS.hrSource}/E1003`,
        `${DEMO_IDS.hrSource}/E1004`,
        `${DEMO_IDS.hrSource}/E1005`,
      ].sort(),
    );
    const summary = captured.outputs.summary as { accountCount: number; accountsPerSource: Record<string, number> };
    expect(summary.accountCount).to.equal(6);
    expect(summary.accountsPerSource).to.deep.equal({ [DEMO_IDS.hrSource]: 4, [DEMO_IDS.contractorsSource]: 2 });
  });

  it("examples/pipeline applies its accounts directory", async () => {
    const captured = await capture("examples/pipeline/index.js", "examples/pipeline", {
      project: "isc-accounts-pipeline",
      stack: "prod",
    });
    expect(captured.resources.map((r) => r.name)).to.deep.equal([`${DEMO_IDS.hrSource}/E3001`]);
  });

  it("the top-level program applies the directory named in config", async () => {
    const captured = await capture("program/index.js", ".", {
      project: "isc-accounts",
      stack: "dev",
      config: { "isc-accounts:definitionsDir": "examples/gitops/accounts" },
    });
    expect(captured.resources).to.have.length(6);
    const byDefault = await capture("program/index.js", ".", { project: "isc-accounts", stack: "dev" });
    expect(byDefault.resources.map((r) => r.name)).to.deep.equal([`${DEMO_IDS.hrSource}/E9001`]);
  });

  it(
    "the top-level program refuses an empty definitions directory unless " + "isc-accounts:allowEmpty is true",
    async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), "isc-program-empty-"));
      try {
        const config = { "isc-accounts:definitionsDir": empty };
        // The program throws while it is required (before declaring anything), like any Pulumi program.
        const file = path.join(DIST, "program", "index.js");
        const previousConfig = pulumi.runtime.allConfig();
        pulumi.runtime.setAllConfig(config);
        try {
          delete require.cache[require.resolve(file)];
          expect(() => require(file)).to.throw(
            /no definition files \(\*\.yaml, \*\.yml\) in .*would delete every account this stack manages/,
          );
        } finally {
          pulumi.runtime.setAllConfig(previousConfig);
        }
        const allowed = await capture("program/index.js", ".", {
          project: "isc-accounts",
          stack: "dev",
          config: { ...config, "isc-accounts:allowEmpty": "true" },
        });
        expect(allowed.resources).to.deep.equal([]);
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    },
  );
});
