/**
 * An update's PUT carries the account's whole attribute set (ISC replaces them all), so it must be
 * built from a read taken after the update started: never from the outputs in state, nor from a
 * listing that a refresh of the same plugin process left behind. Through the real plugin.
 */
import { expect } from "chai";
import { DEMO_IDS } from "../../simulator/seed";
import { withAccountStack, type AccountStack } from "../support/account-stack";

const HR = DEMO_IDS.hrSource;

describe("Account update through the real Pulumi plugin: changes made outside Pulumi are kept", function () {
  this.timeout(60_000);
  let stack: AccountStack;
  withAccountStack((s) => (stack = s));

  const declared = (email: string) =>
    ["u1", "u2", "u3"].map((name) =>
      stack.account(name, {
        sourceId: HR,
        nativeIdentity: `E85${name}`,
        attributes: { displayName: `User ${name}`, email: `${name}-${email}` },
      }),
    );

  it("keeps an unmanaged attribute changed since the refresh, when the same plugin then runs the update", async () => {
    expect((await stack.engine.up(declared("a@example.com"))).errors).to.deep.equal([]);
    await stack.nextCommand();
    // The refresh lists the source ahead (read-ahead pages); the update right after runs in the same plugin process.
    expect((await stack.engine.refresh()).steps.map((s) => s.op)).to.deep.equal(["same", "same", "same"]);
    const ids = stack.engine.state().map((s) => s.id);
    for (const id of ids) stack.sim.admin.updateAccount(id, { attributes: { department: `dept of ${id}` } });
    stack.sim.clearRequests();

    const up = await stack.engine.up(declared("b@example.com"));
    expect(up.errors).to.deep.equal([]);
    expect(up.steps.map((s) => s.op)).to.deep.equal(["update", "update", "update"]);
    for (const id of ids) {
      const account = stack.sim.admin.listAccounts(HR).find((a) => a.id === id);
      expect(account?.attributes?.department, `account ${id}`).to.equal(`dept of ${id}`);
      expect(account?.attributes?.email)
        .to.be.a("string")
        .that.matches(/-b@example\.com$/);
    }
    const puts = stack.sim.requests().filter((r) => r.method === "PUT");
    expect(puts).to.have.length(3);
  });

  it("leaves state equal to ISC: a further up and a refresh plan nothing", async () => {
    await stack.nextCommand();
    expect((await stack.engine.up(declared("b@example.com"))).steps.map((s) => s.op)).to.deep.equal([
      "same",
      "same",
      "same",
    ]);
    await stack.nextCommand();
    expect((await stack.engine.refresh()).steps.map((s) => s.op)).to.deep.equal(["same", "same", "same"]);
  });
});
