/** Task-status quirks seen on real tenants (FIELD-NOTES, "Task status"), as a client polling sees them. */
import { expect } from "chai";
import type { TaskStatus } from "../../../provider/client/types";
import { DEMO_IDS, demoSeed } from "../../../simulator/index";
import { filterQuery, useSimulator } from "../../support/simulator-http";

const HR = DEMO_IDS.hrSource;

describe("simulator task quirks", () => {
  const context = useSimulator();
  beforeEach(() => {
    context().sim.admin.seed(demoSeed());
    context().sim.resetFaults();
    context().sim.holdTasks(true);
  });
  afterEach(() => context().sim.holdTasks(false));

  const http = () => context().http;
  const startTask = async (nativeIdentity: string): Promise<string> => {
    const created = await http().call("POST", "/v3/accounts", {
      json: { attributes: { sourceId: HR, id: nativeIdentity } },
    });
    expect(created.status).to.equal(202);
    return (created.body as { id: string }).id;
  };
  const poll = async (id: string): Promise<TaskStatus> =>
    (await http().call("GET", `/v2025/task-status/${id}`)).body as TaskStatus;

  it(
    "completedBeforeStatusPolls: the first poll after completion sees `completed` with completionStatus null, the " +
      "next sees both",
    async () => {
      context().sim.setFaults({ completedBeforeStatusPolls: 1 });
      const id = await startTask("Q1");
      expect(await poll(id)).to.include({ completed: null, completionStatus: null });
      context().sim.completeTasks();
      const first = await poll(id);
      expect(first.completed).to.be.a("string");
      expect(first).to.include({ completionStatus: null });
      expect(first.messages).to.deep.equal([]);
      expect(await poll(id)).to.include({ completionStatus: "SUCCESS" });
    },
  );

  it("completedBeforeStatusPolls counts a list poll too", async () => {
    context().sim.setFaults({ completedBeforeStatusPolls: 1 });
    const id = await startTask("Q2");
    context().sim.completeTasks();
    const listed = async () =>
      ((await http().call("GET", `/v2025/task-status?${filterQuery(`id in ("${id}")`)}`)).body as TaskStatus[])[0];
    expect(await listed()).to.include({ completionStatus: null });
    expect(await listed()).to.include({ completionStatus: "SUCCESS" });
  });

  it("reports every task as type QUARTZ, account operations included", async () => {
    const id = await startTask("Q3");
    context().sim.completeTasks();
    const account = context()
      .sim.admin.listAccounts(HR)
      .find((a) => a.nativeIdentity === "Q3");
    const disable = await http().call("POST", `/v3/accounts/${account?.id ?? ""}/disable`, { json: {} });
    expect(disable.status).to.equal(202);
    expect((await poll(id)).type).to.equal("QUARTZ");
    expect((await poll((disable.body as { id: string }).id)).type).to.equal("QUARTZ");
  });

  it("refuses a task-list filter on type with 400", async () => {
    for (const path of ["/v2025/task-status", "/task-status/v1"]) {
      const response = await http().call("GET", `${path}?${filterQuery('type eq "QUARTZ"')}`);
      expect(response.status, path).to.equal(400);
    }
  });
});
