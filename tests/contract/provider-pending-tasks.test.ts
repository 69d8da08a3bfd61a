/**
 * The Account provider, through the real Pulumi plugin, under both pending-task modes of the
 * simulator. ISC documents no refusal of a change while another task on the account runs, so the
 * simulator takes such changes by default (pendingTaskRefusal off); a stricter tenant refuses them
 * with 400, and then the provider must report which account could not change.
 */
import { expect } from "chai";
import { DEMO_IDS } from "../../simulator/index";
import { startAccountStack, type AccountStack } from "../support/account-stack";
import { SimHttp, sleep } from "../support/simulator-http";

const HR = DEMO_IDS.hrSource;
const BASE = {
  sourceId: HR,
  nativeIdentity: "E7101",
  attributes: { displayName: "Pending Test", email: "before@example.com" },
};
const CHANGED = { ...BASE, attributes: { ...BASE.attributes, email: "after@example.com" } };

/** Resolves once the simulator has answered a request matching `test` (an event, polled; no fixed delay). */
async function untilRequest(stack: AccountStack, test: (method: string, path: string) => boolean): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (stack.sim.requests().some((r) => test(r.method, r.path))) return;
    await sleep(5);
  }
  throw new Error("the expected request never arrived");
}

describe("provider under the simulator's pending-task modes", function () {
  this.timeout(60_000);
  let stack: AccountStack;
  let accountId: string;

  beforeEach(async () => {
    stack = await startAccountStack();
    const created = await stack.engine.up([stack.account("e7101", BASE)]);
    expect(created.errors).to.deep.equal([]);
    accountId = stack.engine.state()[0].id;
    stack.sim.clearRequests();
  });
  afterEach(async () => {
    stack?.sim.holdTasks(false);
    await stack?.stop();
  });

  /** Another writer's task on the account, kept running until the test releases it. */
  const anotherWritersTask = async (): Promise<void> => {
    stack.sim.holdTasks(true);
    const reload = await new SimHttp(stack.sim).call("POST", `/v3/accounts/${accountId}/reload`);
    expect(reload.status).to.equal(202);
  };

  it("off (default): the provider's update is taken while another task runs, and completes", async () => {
    await anotherWritersTask();
    const up = stack.engine.up([stack.account("e7101", CHANGED)]);
    await untilRequest(stack, (method, path) => method === "PUT" && path === `/v3/accounts/${accountId}`);
    stack.sim.holdTasks(false);
    const result = await up;
    expect(result.errors).to.deep.equal([]);
    expect(stack.sim.admin.getAccount(accountId)?.attributes?.email).to.equal("after@example.com");
  });

  it("on (pendingTaskRefusal): the update fails with an error naming the account, and nothing changes", async () => {
    stack.sim.setFaults({ pendingTaskRefusal: true });
    await anotherWritersTask();
    const result = await stack.engine.up([stack.account("e7101", CHANGED)]);
    expect(result.errors).to.have.length(1);
    const message = result.errors[0].message;
    expect(message).to.contain("E7101");
    expect(message).to.match(/pending task/);
    expect(stack.sim.admin.getAccount(accountId)?.attributes?.email).to.equal("before@example.com");
  });

  for (const refusal of [false, true]) {
    it(
      `${refusal ? "on" : "off"}: the provider's own PATCH then disable succeeds (it waits for the PATCH ` + `to show)`,
      async () => {
        stack.sim.setFaults({ pendingTaskRefusal: refusal });
        const result = await stack.engine.up([
          stack.account("e7101", { ...BASE, identityId: DEMO_IDS.identities.adaLovelace, enabled: false }),
        ]);
        expect(result.errors).to.deep.equal([]);
        const writes = stack.sim.requests().filter((r) => r.method !== "GET" && r.budget === "v3");
        expect(writes.map((r) => `${r.method} ${r.path.split("/").pop() ?? ""} ${r.status}`)).to.deep.equal([
          `PATCH ${accountId} 202`,
          "POST disable 202",
        ]);
        expect(stack.sim.admin.getAccount(accountId)).to.include({
          disabled: true,
          identityId: DEMO_IDS.identities.adaLovelace,
        });
      },
    );
  }
});
