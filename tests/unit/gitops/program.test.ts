import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as sinon from "sinon";
import { accountsFromDirectory, summarizeAccounts } from "../../../provider/gitops/program";
import { IDENTITY_1, SOURCE_A, SOURCE_B, fixturePath } from "../../support/gitops-fixtures";

interface Registered {
  name: string;
  inputs: Record<string, unknown>;
}

function settle<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

describe("gitops program (accountsFromDirectory)", function () {
  this.timeout(20_000);
  let registered: Registered[];

  beforeEach(async () => {
    registered = [];
    await pulumi.runtime.setMocks(
      {
        newResource(args: pulumi.runtime.MockResourceArgs) {
          registered.push({ name: args.name, inputs: args.inputs as Record<string, unknown> });
          return { id: `acc-${registered.length}`, state: { ...args.inputs, accountId: `acc-${registered.length}` } };
        },
        call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
      },
      "project",
      "stack",
      false,
    );
  });

  it(
    "declares one Account per definition, named <source>/<nativeIdentity>, with only the " + "declared inputs",
    async () => {
      const accounts = accountsFromDirectory(fixturePath("valid"));
      await Promise.all(accounts.map((a) => settle(a.urn)));
      expect(registered.map((r) => r.name).sort()).to.deep.equal([
        `${SOURCE_A}/asmith`,
        `${SOURCE_A}/jdoe`,
        `${SOURCE_B}/c%3A01`,
        `${SOURCE_B}/c-02`,
      ]);
      const jdoe = registered.find((r) => r.name === `${SOURCE_A}/jdoe`)!.inputs;
      expect(jdoe).to.include({
        sourceId: SOURCE_A,
        nativeIdentity: "jdoe",
        identityId: IDENTITY_1,
        enabled: false,
        forceProvisioning: true,
      });
      expect(jdoe.attributes).to.deep.equal({
        displayName: "John Doe",
        email: "jdoe@example.com",
        groups: ["vpn", "contractors"],
      });
      const c01 = registered.find((r) => r.name === `${SOURCE_B}/c%3A01`)!.inputs;
      expect(c01).to.not.have.any.keys("identityId", "unlock", "adopt");
      const asmith = registered.find((r) => r.name === `${SOURCE_A}/asmith`)!.inputs;
      expect(asmith).to.include({ identityId: null, adopt: true, unlock: true });
    },
  );

  it("summarizes counts per source and account ids", async () => {
    const summary = summarizeAccounts(accountsFromDirectory(fixturePath("valid")));
    expect(summary.accountCount).to.equal(4);
    expect(summary.accountsPerSource).to.deep.equal({ [SOURCE_A]: 2, [SOURCE_B]: 2 });
    expect(Object.keys(summary.accountIds)).to.have.lengthOf(4);
    expect(await settle(summary.accountIds[`${SOURCE_A}/jdoe`])).to.match(/^acc-\d$/);
  });

  it("declares only the requested sources", async () => {
    const accounts = accountsFromDirectory(fixturePath("valid"), { sourceIds: [SOURCE_B] });
    expect(summarizeAccounts(accounts).accountsPerSource).to.deep.equal({ [SOURCE_B]: 2 });
    expect(() =>
      accountsFromDirectory(fixturePath("valid"), { sourceIds: ["ffffffffffffffffffffffffffffffff"] }),
    ).to.throw(/sourceIds not named by any definitions file/);
  });

  it("throws one error listing every file:line problem, and declares nothing", () => {
    expect(() => accountsFromDirectory(fixturePath("dup-across"))).to.throw(
      `invalid account definitions in ${fixturePath("dup-across")}:\n${fixturePath("dup-across", "b.yaml")}:4: ` +
        `duplicate account jdoe on source ${SOURCE_A} (first defined at ${fixturePath("dup-across", "a.yaml")}:4)`,
    );
    let message = "";
    try {
      accountsFromDirectory(fixturePath("errors"));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(
      message.split("\n").filter((line) => line.startsWith(fixturePath("errors")) && /\.yaml:\d+: /.test(line)).length,
    ).to.be.at.least(10);
    expect(registered).to.deep.equal([]);
  });

  it("logs the loader's warnings (case-only differences) as Pulumi warnings, and still declares the accounts", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "isc-defs-warn-"));
    const warn = sinon.stub(pulumi.log, "warn").resolves();
    try {
      fs.writeFileSync(
        path.join(dir, "a.yaml"),
        `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: E4001\n  - nativeIdentity: e4001\n`,
      );
      expect(accountsFromDirectory(dir)).to.have.lengthOf(2);
      expect(warn.args.map((args) => args[0])).to.deep.equal([
        `${path.join(dir, "a.yaml")}:4: nativeIdentity "e4001" differs only in case from "E4001" ` +
          `(${path.join(dir, "a.yaml")}:3) on source ${SOURCE_A}; many tenants treat them as one account`,
      ]);
    } finally {
      warn.restore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("an empty set of definitions (it would delete every account)", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "isc-defs-empty-"));
    });
    afterEach(() => {
      pulumi.runtime.setConfig("isc-accounts:allowEmpty", "false");
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("is refused for an empty folder, a folder of placeholders and a source filter matching no account", () => {
      const refused =
        /no accounts are defined in .*: applying that would delete every account this stack manages\. If that is what you want, pass \{ allowEmpty: true \}.*isc-accounts:allowEmpty/;
      expect(() => accountsFromDirectory(dir)).to.throw(
        `no definition files (*.yaml, *.yml) in ${dir}: applying that would delete every account`,
      );
      fs.writeFileSync(path.join(dir, "placeholder.yaml"), "# nothing yet\n");
      fs.writeFileSync(path.join(dir, "retired.yaml"), `source: ${SOURCE_B}\naccounts: []\n`);
      expect(() => accountsFromDirectory(dir)).to.throw(refused);
      expect(() => accountsFromDirectory(dir, { sourceIds: [SOURCE_B] })).to.throw(refused);
      expect(registered).to.deep.equal([]);
    });

    it("is allowed by the allowEmpty option or the isc-accounts:allowEmpty stack config", () => {
      expect(accountsFromDirectory(dir, { allowEmpty: true })).to.deep.equal([]);
      pulumi.runtime.setConfig("isc-accounts:allowEmpty", "true");
      expect(accountsFromDirectory(dir)).to.deep.equal([]);
      expect(() => accountsFromDirectory(dir, { allowEmpty: false })).to.throw(/would delete every account/);
    });

    it("a missing folder is always an error", () => {
      expect(() => accountsFromDirectory(path.join(dir, "missing"), { allowEmpty: true })).to.throw(
        /definitions directory not found/,
      );
    });
  });
});
