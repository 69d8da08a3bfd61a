/** Each fault the simulator injects, as a client experiences it. */
import { expect } from "chai";
import type { Account, ErrorResponseDto, TaskStatus } from "../../../provider/client/types";
import { DEMO_IDS, demoSeed, FaultConfigError } from "../../../simulator/index";
import { filterQuery, sleep, useSimulator } from "../../support/simulator-http";

const HR = DEMO_IDS.hrSource;

describe("simulator faults", () => {
  const context = useSimulator({ taskDelayMs: 20 });
  beforeEach(() => {
    context().sim.admin.seed(demoSeed());
    context().sim.resetFaults();
  });
  after(() => context().sim.resetFaults());

  const http = () => context().http;
  const create = (nativeIdentity: string) =>
    http().call("POST", "/v3/accounts", { json: { attributes: { sourceId: HR, id: nativeIdentity } } });
  const stored = (nativeIdentity: string) =>
    context()
      .sim.admin.listAccounts(HR)
      .filter((a) => a.nativeIdentity === nativeIdentity);
  const waitUntil = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await sleep(5);
    expect(check()).to.equal(true);
  };

  it("latencyMs delays every API answer", async () => {
    await http().token();
    context().sim.setFaults({ latencyMs: 120 });
    const started = Date.now();
    expect((await http().call("GET", "/v3/sources")).status).to.equal(200);
    expect(Date.now() - started).to.be.at.least(110);
  });

  it("errorRate answers 500/503 ErrorResponseDto and applies nothing", async () => {
    await http().token();
    context().sim.setFaults({ errorRate: 1 });
    const response = await create("F1");
    expect(response.status).to.be.oneOf([500, 503]);
    expect((response.body as ErrorResponseDto).trackingId).to.match(/^[0-9a-f]{32}$/);
    context().sim.resetFaults();
    await sleep(60);
    expect(stored("F1")).to.have.length(0);
  });

  it("errorAfterApplyRate applies a POST /accounts and still answers 500", async () => {
    await http().token();
    context().sim.setFaults({ errorAfterApplyRate: 1 });
    const response = await create("F2");
    expect(response.status).to.equal(500);
    expect((await http().call("GET", "/v3/sources")).status, "GETs are not affected").to.equal(200);
    context().sim.resetFaults();
    await waitUntil(() => stored("F2").length === 1);
  });

  it("resetRate destroys the connection without an answer and applies nothing", async () => {
    await http().token();
    context().sim.setFaults({ resetRate: 1 });
    let failure: unknown;
    try {
      await create("F3");
    } catch (error) {
      failure = error;
    }
    expect(failure, "fetch should fail").to.be.instanceOf(Error);
    context().sim.resetFaults();
    await sleep(60);
    expect(stored("F3")).to.have.length(0);
    expect(
      context()
        .sim.requests()
        .some((entry) => entry.status === 0 && entry.path === "/v3/accounts"),
    ).to.equal(true);
  });

  it("rateLimitBurst answers 429 with Retry-After to exactly the next N requests", async () => {
    await http().token();
    context().sim.setFaults({ rateLimitBurst: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const response = await http().call("GET", "/v3/sources");
      statuses.push(response.status);
      if (response.status === 429) expect(response.headers.get("retry-after")).to.equal("1");
    }
    expect(statuses).to.deep.equal([429, 429, 200]);
  });

  it("taskErrorRate ends tasks in ERROR with messages and applies nothing", async () => {
    context().sim.setFaults({ taskErrorRate: 1 });
    const task = await http().waitForTask(((await create("F4")).body as { id: string }).id);
    expect(task.completionStatus).to.equal("ERROR");
    expect(task.messages[0]).to.deep.include({ type: "ERROR", parameters: null });
    expect(task.messages[0].localizedText).to.include({ locale: "en-US" });
    expect(stored("F4")).to.have.length(0);
  });

  it("failTasksMatching fails only the tasks whose account matches", async () => {
    context().sim.setFaults({ failTasksMatching: "bad" });
    const bad = await http().waitForTask(((await create("F5-bad")).body as { id: string }).id);
    const good = await http().waitForTask(((await create("F5-good")).body as { id: string }).id);
    expect([bad.completionStatus, good.completionStatus]).to.deep.equal(["ERROR", "SUCCESS"]);
    expect(stored("F5-bad")).to.have.length(0);
    expect(stored("F5-good")).to.have.length(1);
  });

  it(
    "visibilityDelayMs hides a new account after its task completes, and shows a deleted one " + "for a while",
    async () => {
      context().sim.setFaults({ visibilityDelayMs: 150 });
      const task = await http().waitForTask(((await create("F6")).body as { id: string }).id);
      expect(task.completionStatus).to.equal("SUCCESS");
      const query = `/v3/accounts?${filterQuery('nativeIdentity eq "F6"')}`;
      expect((await http().call("GET", query)).body).to.deep.equal([]);
      const id = stored("F6")[0].id;
      expect((await http().call("GET", `/v3/accounts/${id}`)).status).to.equal(404);
      await sleep(170);
      expect((await http().call("GET", query)).body).to.have.length(1);

      const deleted = await http().waitForTask(
        ((await http().call("DELETE", `/v3/accounts/${id}`)).body as { id: string }).id,
      );
      expect(deleted.completionStatus).to.equal("SUCCESS");
      expect(stored("F6")).to.have.length(0);
      expect(((await http().call("GET", `/v3/accounts/${id}`)).body as Account).nativeIdentity).to.equal("F6");
      expect((await http().call("GET", query)).body).to.have.length(1);
      await sleep(170);
      expect((await http().call("GET", `/v3/accounts/${id}`)).status).to.equal(404);
      expect((await http().call("GET", query)).body).to.deep.equal([]);
    },
  );

  it("completedBeforeStatusMs shows completed before completionStatus", async () => {
    context().sim.setFaults({ completedBeforeStatusMs: 150 });
    const taskId = ((await create("F7")).body as { id: string }).id;
    const read = async () => (await http().call("GET", `/v2025/task-status/${taskId}`)).body as TaskStatus;
    const running = await read();
    expect(running).to.include({ completed: null, completionStatus: null });
    expect(running.percentComplete).to.be.within(0, 99);
    const completedOnly = await http().eventually(read, (task) => task.completed !== null);
    expect(completedOnly.completionStatus).to.equal(null);
    const finished = await http().eventually(read, (task) => task.completionStatus !== null);
    expect(finished).to.include({ completionStatus: "SUCCESS", percentComplete: 100 });
  });

  it("setFaults refuses unknown keys and out-of-range values", () => {
    expect(() => context().sim.setFaults({ errorRate: 2 })).to.throw(FaultConfigError);
    expect(() => context().sim.setFaults({ latencyMs: -1 })).to.throw(FaultConfigError);
    expect(() => context().sim.setFaults({ nope: 1 } as never)).to.throw(FaultConfigError, /unknown fault/);
    expect(() => context().sim.setFaults({ pendingTaskRefusal: "yes" } as never)).to.throw(
      FaultConfigError,
      /true or false/,
    );
    expect(() => context().sim.setFaults({ completedBeforeStatusPolls: -1 })).to.throw(FaultConfigError);
  });
});
