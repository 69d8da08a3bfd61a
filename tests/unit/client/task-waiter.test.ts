import { expect } from "chai";
import * as sinon from "sinon";
import {
  IscApiError,
  IscNetworkError,
  TaskFailedError,
  TaskStatusUnreachableError,
  TaskTimeoutError,
} from "../../../provider/client/errors";
import type { RequestOptions } from "../../../provider/client/pipeline";
import { createIscClient, type IscClient } from "../../../provider/client/request";
import type { RouteName } from "../../../provider/client/routes";
import { DEFAULT_TASK_WAIT, waitForTask } from "../../../provider/client/task-waiter";
import type { TaskStatus, TaskStatusMessage } from "../../../provider/client/types";
import { FakeIsc, json, settingsFor, useFakeIsc } from "./fixtures/fake-isc";

/** One state per poll of that task (the last one repeats); `null` = not listed (yet). */
type Script = Record<string, Array<Partial<TaskStatus> | null>>;

function task(id: string, state: Partial<TaskStatus>): TaskStatus {
  return {
    id,
    type: "QUARTZ",
    uniqueName: "Cloud Account Create",
    description: "Create account",
    parentName: null,
    launcher: "client-1",
    created: "2026-01-01T00:00:00Z",
    modified: null,
    launched: null,
    completed: null,
    completionStatus: null,
    messages: [],
    returns: [],
    attributes: {},
    progress: null,
    percentComplete: 0,
    ...state,
  };
}

const done = (
  completionStatus: TaskStatus["completionStatus"],
  messages: TaskStatusMessage[] = [],
): Partial<TaskStatus> => ({
  completed: "2026-01-01T00:00:05Z",
  completionStatus,
  messages,
  percentComplete: 100,
});
const msg = (type: TaskStatusMessage["type"], message: string): TaskStatusMessage => ({
  type,
  key: `key.${type.toLowerCase()}`,
  localizedText: { locale: "en-US", message },
  parameters: null,
});
const running: Partial<TaskStatus> = { percentComplete: 40, progress: "Provisioning" };
const fast = { pollIntervalMs: 20, maxPollIntervalMs: 40, timeoutMs: 5_000 };

describe("client task waiter", () => {
  let fake: FakeIsc;
  let client: IscClient;
  let script: Script;
  const fakeIsc = useFakeIsc();
  beforeEach(() => {
    fake = fakeIsc();
    script = {};
    const polls = new Map<string, number>();
    fake.on("GET", "/v2025/task-status", (req, res) => {
      const ids = [...(req.query.get("filters") ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      const listed: TaskStatus[] = [];
      for (const id of ids) {
        const states = script[id] ?? [null];
        const n = polls.get(id) ?? 0;
        polls.set(id, n + 1);
        const state = states[Math.min(n, states.length - 1)];
        if (state) listed.push(task(id, state));
      }
      json(res, 200, listed);
    });
    client = createIscClient(settingsFor(fake), { rateLimit: false, retry: { minDelayMs: 1, maxDelayMs: 2 } });
  });

  const idsPerPoll = () =>
    fake.api("/v2025/task-status").map((r) => [...(r.query.get("filters") ?? "").matchAll(/"([^"]+)"/g)].length);

  it("resolves on SUCCESS", async () => {
    script.t1 = [running, done("SUCCESS")];
    const seen: number[] = [];
    const outcome = await waitForTask(client, "t1", { ...fast, onPoll: (t) => seen.push(t.percentComplete) });
    expect(outcome.task.completionStatus).to.equal("SUCCESS");
    expect(outcome.warnings).to.deep.equal([]);
    expect(seen).to.deep.equal([40, 100]);
    expect(fake.api("/v2025/task-status")[0].query.get("filters")).to.equal('id in ("t1")');
  });

  it("resolves on WARNING and returns the WARN texts", async () => {
    script.t1 = [
      done("WARNING", [msg("INFO", "started"), msg("WARN", "attribute x ignored"), msg("WARN", "slow source")]),
    ];
    const outcome = await waitForTask(client, "t1", fast);
    expect(outcome.warnings).to.deep.equal(["attribute x ignored", "slow source"]);
  });

  for (const status of ["ERROR", "TERMINATED", "TEMPERROR", "TEMP_ERROR"] as const) {
    it(`rejects on ${status} with the task's messages`, async () => {
      script.t1 = [running, done(status, [msg("ERROR", "Account already exists"), msg("INFO", "rolled back")])];
      const err = await waitForTask(client, "t1", fast).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(TaskFailedError);
      expect(err).to.include({ taskId: "t1", completionStatus: status });
      expect((err as TaskFailedError).messages).to.deep.equal(["Account already exists", "rolled back"]);
      expect((err as Error).message).to.equal(
        `ISC task t1 finished with ${status}: Account already exists; rolled back`,
      );
    });
  }

  it("keeps polling while completed is set but completionStatus is not", async () => {
    script.t1 = [
      { completed: "2026-01-01T00:00:05Z", completionStatus: null },
      { completed: "2026-01-01T00:00:05Z" },
      done("SUCCESS"),
    ];
    const outcome = await waitForTask(client, "t1", fast);
    expect(outcome.task.completionStatus).to.equal("SUCCESS");
    expect(fake.api("/v2025/task-status")).to.have.length(3);
  });

  it("polls again when the task is not listed yet right after creation", async () => {
    script.t1 = [null, null, done("SUCCESS")];
    expect((await waitForTask(client, "t1", fast)).task.id).to.equal("t1");
  });

  it("times out with the task id and its last state", async () => {
    script.t1 = [running];
    const started = Date.now();
    const err = await waitForTask(client, "t1", { ...fast, timeoutMs: 250 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(TaskTimeoutError);
    expect(Date.now() - started).to.be.within(240, 1_000);
    const timeout = err as TaskTimeoutError;
    expect(timeout.taskId).to.equal("t1");
    expect(timeout.lastState).to.deep.equal({
      completed: null,
      completionStatus: null,
      percentComplete: 40,
      progress: "Provisioning",
    });
    expect(timeout.message).to.contain("t1").and.contain("percentComplete=40");
  });

  it("times out saying so when the task never appeared", async () => {
    const err = (await waitForTask(client, "ghost", { ...fast, timeoutMs: 100 }).catch(
      (e: unknown) => e,
    )) as TaskTimeoutError;
    expect(err).to.be.instanceOf(TaskTimeoutError);
    expect(err.lastState).to.equal(undefined);
    expect(err.message).to.contain("ghost").and.contain("never appeared");
  });

  it("keeps waiting through status polls that fail even after the client's retries (the task runs on)", async () => {
    script.t1 = [running, done("SUCCESS")];
    const failing = createIscClient(settingsFor(fake), { rateLimit: false, retry: { attempts: 1 } });
    let failuresLeft = 3;
    const listed = fake.api.bind(fake);
    fake.on("GET", "/v2025/task-status", (req, res) => {
      if (failuresLeft-- > 0)
        return json(res, 503, { messages: [{ locale: "en-US", text: "busy" }], trackingId: "t-503" });
      const n = listed("/v2025/task-status").length - 3;
      json(res, 200, [
        task(String(req.query.get("filters")).match(/"([^"]+)"/)![1], n <= 1 ? running : done("SUCCESS")),
      ]);
    });
    const outcome = await waitForTask(failing, "t1", fast);
    expect(outcome.task.completionStatus).to.equal("SUCCESS");
    expect(fake.api("/v2025/task-status").length).to.be.at.least(4);
  });

  it("times out naming the failing status poll when no poll succeeds", async () => {
    fake.on("GET", "/v2025/task-status", (_req, res) =>
      json(res, 503, { messages: [{ locale: "en-US", text: "status service down" }], trackingId: "t-down" }),
    );
    const failing = createIscClient(settingsFor(fake), { rateLimit: false, retry: { attempts: 1 } });
    const err = (await waitForTask(failing, "t9", { ...fast, timeoutMs: 150 }).catch(
      (e: unknown) => e,
    )) as TaskTimeoutError;
    expect(err).to.be.instanceOf(TaskTimeoutError);
    expect(err.message)
      .to.contain("t9")
      .and.contain("could not be read")
      .and.contain("status service down")
      .and.contain("t-down");
  });

  it("fails at once when ISC refuses the status poll itself (403)", async () => {
    fake.on("GET", "/v2025/task-status", (_req, res) =>
      json(res, 403, {
        detailCode: "403 Forbidden",
        trackingId: "t-403",
        messages: [{ locale: "en-US", text: "insufficient scope" }],
      }),
    );
    const started = Date.now();
    const err = (await waitForTask(client, "t1", fast).catch((e: unknown) => e)) as Error;
    expect(err.message).to.contain("403").and.contain("insufficient scope");
    expect(Date.now() - started).to.be.lessThan(1_000);
  });

  it("coalesces concurrent waiters into one list poll per tick", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    for (const id of ids) script[id] = [running, running, done("SUCCESS")];
    const outcomes = await Promise.all(ids.map((id) => waitForTask(client, id, fast)));
    expect(outcomes.map((o) => o.task.id)).to.deep.equal(ids);
    const polls = fake.api("/v2025/task-status");
    expect(polls.length).to.be.at.most(4); // 3 ticks, not 60 requests
    expect(idsPerPoll()[0]).to.equal(20);
  });

  it("coalesces waiters from separate client objects of the same tenant and client id", async () => {
    const other = createIscClient(settingsFor(fake), { rateLimit: false });
    script.a = [done("SUCCESS")];
    script.b = [done("SUCCESS")];
    await Promise.all([waitForTask(client, "a", fast), waitForTask(other, "b", fast)]);
    expect(fake.api("/v2025/task-status")).to.have.length(1);
  });

  it("polls each task on its own backoff; one not due rides along only in the room of a due poll", async () => {
    script.quick = [running, running, done("SUCCESS")];
    script.slow = [running, running, running, done("SUCCESS")];
    await Promise.all([
      waitForTask(client, "quick", fast),
      waitForTask(client, "slow", { ...fast, pollIntervalMs: 400, maxPollIntervalMs: 400 }),
    ]);
    const polls = fake.api("/v2025/task-status").map((r) => r.query.get("filters"));
    // quick's three polls carry slow along; slow's own first poll (at 400 ms) then sees it finished.
    expect(polls).to.deep.equal([
      'id in ("quick","slow")',
      'id in ("quick","slow")',
      'id in ("quick","slow")',
      'id in ("slow")',
    ]);
  });
});

/**
 * A client whose status listing answers from `answer` at once: with fake timers, the waiter's own
 * timing (ride-along window, unreachable bound) is what the tests observe.
 */
function scriptedClient(
  name: string,
  answer: (ids: string[]) => Promise<TaskStatus[]>,
): IscClient & { polls: string[][] } {
  const polls: string[][] = [];
  const request = async <T>(route: RouteName, opts: RequestOptions = {}) => {
    if (route !== "listTaskStatus") throw new Error(`unexpected ${route}`);
    const ids = [...String(opts.query?.filters ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    polls.push(ids);
    return { status: 200, data: (await answer(ids)) as T, headers: {} };
  };
  return {
    baseUrl: `http://scripted.test/${name}`,
    clientId: "client-1",
    generation: "versioned",
    polls,
    request,
    paginate: async () => [],
    whenIdle: async () => undefined,
    stats: () => ({ requests: {}, throttled: 0, retries: 0 }),
  };
}

describe("client task waiter timing", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers({ now: 0 })));
  afterEach(() => clock.restore());

  it("lets a waiter due within 100 ms of a poll ride along with it instead of causing its own poll", async () => {
    const client = scriptedClient("ride-along", async (ids) => ids.map((id) => task(id, done("SUCCESS"))));
    const a = waitForTask(client, "a", { pollIntervalMs: 500 });
    const b = waitForTask(client, "b", { pollIntervalMs: 550 });
    await clock.tickAsync(500);
    await Promise.all([a, b]);
    expect(client.polls).to.deep.equal([["a", "b"]]);
  });

  it("sees a task that ended between its own polls at another waiter's poll, and never sends its own", async () => {
    // Task a ends at 600 ms; a polls at 500 (running), then would at 500 + 750 = 1 250.
    const client = scriptedClient("rider", async (ids) =>
      ids.map((id) => task(id, id === "a" && Date.now() >= 600 ? done("SUCCESS") : running)),
    );
    let aEnded: number | undefined;
    const a = waitForTask(client, "a", { pollIntervalMs: 500 }).then(() => (aEnded = Date.now()));
    await clock.tickAsync(300);
    const b = waitForTask(client, "b", { pollIntervalMs: 500, timeoutMs: 3_000 }).catch(() => undefined);
    await clock.tickAsync(500);
    await a;
    expect(aEnded).to.equal(800);
    expect(client.polls).to.deep.equal([
      ["a", "b"],
      ["b", "a"],
    ]);
    await clock.tickAsync(3_000);
    await b;
    expect(client.polls.filter((ids) => ids.includes("a"))).to.have.length(2);
  });

  it("tells a waiter's onPoll what a poll it rode along in saw", async () => {
    const client = scriptedClient("rider-progress", async (ids) =>
      ids.map((id) => task(id, Date.now() >= 1_000 ? done("SUCCESS") : running)),
    );
    const seenAt: number[] = [];
    await clock.tickAsync(0);
    const a = waitForTask(client, "a", { pollIntervalMs: 500 });
    await clock.tickAsync(100);
    const b = waitForTask(client, "b", { pollIntervalMs: 800, onPoll: () => seenAt.push(Date.now()) });
    await clock.tickAsync(2_000);
    await Promise.all([a, b]);
    // a polls at 500 (b rides along), b at 900 on its own (a rides along), a at 1 250 finds both done.
    expect(seenAt).to.deep.equal([500, 900, 1_250]);
  });

  it("takes riders only into the room the due tasks' requests leave, longest waiting first", async () => {
    const client = scriptedClient("room", async (ids) => ids.map((id) => task(id, running)));
    const waits = Array.from({ length: 300 }, (_, i) => {
      const wait = waitForTask(client, `r${i}`, { pollIntervalMs: 60_000, timeoutMs: 120_000 }).catch(() => undefined);
      return wait;
    });
    await clock.tickAsync(10);
    void waitForTask(client, "due", { pollIntervalMs: 100, timeoutMs: 120_000 }).catch(() => undefined);
    await clock.tickAsync(100);
    expect(client.polls).to.have.length(1);
    expect(client.polls[0]).to.have.length(250);
    expect(client.polls[0].slice(0, 3)).to.deep.equal(["due", "r0", "r1"]);
    await clock.tickAsync(130_000);
    await Promise.all(waits);
  });

  it(
    "stops waiting when status polls have not reached ISC for the unreachable bound, naming the task and that it " +
      "may still run",
    async () => {
      const refused = () =>
        Promise.reject(
          new IscNetworkError("GET", "/v2025/task-status", "ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1"),
        );
      let up = true;
      const client = scriptedClient("gone", (ids) =>
        up ? Promise.resolve(ids.map((id) => task(id, running))) : refused(),
      );
      const outcome = waitForTask(client, "t-gone", {}).catch((e: unknown) => e);
      await clock.tickAsync(1_000);
      up = false;
      await clock.tickAsync(DEFAULT_TASK_WAIT.unreachableTimeoutMs + 10_000);
      const err = await Promise.race([outcome, Promise.resolve("still waiting")]);
      expect(err).to.be.instanceOf(TaskStatusUnreachableError);
      expect((err as Error).message)
        .to.contain("t-gone")
        .and.contain("may still run")
        .and.contain("ECONNREFUSED");
      expect(Date.now()).to.be.lessThan(DEFAULT_TASK_WAIT.timeoutMs / 5);
    },
  );

  it("keeps waiting through failing polls that did reach ISC (5xx) until the task timeout", async () => {
    const busy = () =>
      Promise.reject(new IscApiError({ method: "GET", path: "/v2025/task-status", status: 503, messages: ["busy"] }));
    const client = scriptedClient("busy", busy);
    const outcome = waitForTask(client, "t-busy", { timeoutMs: 300_000 }).catch((e: unknown) => e);
    await clock.tickAsync(300_000 + 10_000);
    expect(await outcome).to.be.instanceOf(TaskTimeoutError);
  });

  it("exports the defaults the resource inputs use", () => {
    expect(DEFAULT_TASK_WAIT).to.deep.equal({
      timeoutMs: 600_000,
      pollIntervalMs: 500,
      maxPollIntervalMs: 5_000,
      unreachableTimeoutMs: 60_000,
    });
  });
});
