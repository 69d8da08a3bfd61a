/**
 * `pulumi preview` with inputs computed from an account not created yet: the engine sends them as unknowns
 * (the program runs with isDryRun, and a resource being created has only its inputs as outputs). The provider
 * must neither reject them at check nor claim to know the change: the account shows as an update.
 */
import { expect } from "chai";
import { UNKNOWN } from "../../harness/plugin";
import { captureProgram } from "../../harness/program";
import { Account } from "../../provider";
import { DEMO_IDS } from "../../simulator/seed";
import { ACCOUNT_TYPE, withAccountStack, type AccountStack } from "../support/account-stack";

const HR = DEMO_IDS.hrSource;

function program(): void {
  const first = new Account("first", {
    sourceId: HR,
    nativeIdentity: "preview.first",
    attributes: { displayName: "First" },
  });
  new Account("second", {
    sourceId: HR,
    nativeIdentity: "preview.second",
    attributes: { displayName: first.accountId },
  });
}

describe("preview with computed inputs through the real plugin", function () {
  this.timeout(60_000);
  let stack: AccountStack;
  withAccountStack((s) => (stack = s));

  it(
    "sends unknowns, reports create for the new account and update for the dependant, and " + "writes nothing",
    async () => {
      const existing = await stack.engine.up([
        stack.account("second", {
          sourceId: HR,
          nativeIdentity: "preview.second",
          attributes: { displayName: "Second" },
        }),
      ]);
      expect(existing.errors).to.deep.equal([]);
      const ids = new Map(stack.engine.state().map((r) => [r.name, r.id]));

      const captured = await captureProgram(program, {
        project: "isc-test",
        stack: "test",
        preview: { existing: (type, name) => (type === ACCOUNT_TYPE ? ids.get(name) : undefined) },
      });
      const second = captured.resources.find((r) => r.name === "second")!;
      expect((second.inputs.attributes as Record<string, unknown>).displayName).to.equal(UNKNOWN);
      await stack.nextCommand();
      stack.sim.clearRequests();
      const steps = await stack.engine.preview(captured.resources);
      expect(steps.map((s) => [s.name, s.op, s.error])).to.deep.equal([
        ["first", "create", undefined],
        ["second", "update", undefined],
      ]);
      expect(stack.sim.requests().filter((r) => r.method !== "GET" && r.budget !== "oauth")).to.deep.equal([]);
    },
  );
});
