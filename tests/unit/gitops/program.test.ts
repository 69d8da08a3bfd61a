import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { accountsFromDirectory, summarizeAccounts } from "../../../provider/gitops/program";
import { IDENTITY_1, SOURCE_A, SOURCE_B, fixturePath } from "./fixtures";

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

  beforeEach(() => {
    registered = [];
    pulumi.runtime.setMocks(
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

  it("declares one Account per definition, named <source>/<nativeIdentity>, with only the declared inputs", async () => {
    const accounts = accountsFromDirectory(fixturePath("valid"));
    await Promise.all(accounts.map((a) => settle(a.urn)));
    expect(registered.map((r) => r.name).sort()).to.deep.equal([
      `${SOURCE_A}/asmith`,
      `${SOURCE_A}/jdoe`,
      `${SOURCE_B}/c%3A01`,
      `${SOURCE_B}/c-02`,
    ]);
    const jdoe = registered.find((r) => r.name === `${SOURCE_A}/jdoe`)!.inputs;
    expect(jdoe).to.include({ sourceId: SOURCE_A, nativeIdentity: "jdoe", identityId: IDENTITY_1, enabled: false, forceProvisioning: true });
    expect(jdoe.attributes).to.deep.equal({ displayName: "John Doe", email: "jdoe@example.com", groups: ["vpn", "contractors"] });
    const c01 = registered.find((r) => r.name === `${SOURCE_B}/c%3A01`)!.inputs;
    expect(c01).to.not.have.any.keys("identityId", "unlock", "adopt");
    const asmith = registered.find((r) => r.name === `${SOURCE_A}/asmith`)!.inputs;
    expect(asmith).to.include({ identityId: null, adopt: true, unlock: true });
  });

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
    expect(() => accountsFromDirectory(fixturePath("valid"), { sourceIds: ["ffffffffffffffffffffffffffffffff"] })).to.throw(
      /sourceIds not named by any definitions file/,
    );
  });

  it("throws one error listing every file:line problem, and declares nothing", () => {
    expect(() => accountsFromDirectory(fixturePath("dup-across"))).to.throw(
      `invalid account definitions in ${fixturePath("dup-across")}:\nb.yaml:4: duplicate account jdoe on source ${SOURCE_A} (first defined at a.yaml:4)`,
    );
    let message = "";
    try {
      accountsFromDirectory(fixturePath("errors"));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split("\n").filter((line) => /^[\w-]+\.yaml:\d+: /.test(line)).length).to.be.at.least(10);
    expect(registered).to.deep.equal([]);
  });
});
