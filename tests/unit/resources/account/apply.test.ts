import { expect } from "chai";
import { IscApiError, IscNetworkError } from "../../../../provider/client/errors";
import type { IscClient, IscResponse, RequestOptions } from "../../../../provider/client/request";
import type { RouteName } from "../../../../provider/client/routes";
import type { Account, TaskStatus } from "../../../../provider/client/types";
import {
  planAccountChanges,
  reloadOperation,
  type CurrentAccount,
  type DesiredAccount,
} from "../../../../provider/engine/account-plan";
import { applySteps, PlanStepError, type ApplyContext } from "../../../../provider/resources/account/apply";

const ID = "0123456789abcdef0123456789abcdef";
const SOURCE = "2c9180857df6aa8f017e1a4fb1e20a5b";
const IDENTITY = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

interface Sent {
  route: RouteName;
  params?: Record<string, string>;
  body?: unknown;
  contentType?: string;
}

/**
 * A client that answers like ISC for the account calls: task-starting calls answer `{id}` with a
 * task that is already finished (with `completion`), PATCH answers without a task and takes effect
 * on the stub account. It records every call except task-status polls.
 */
function stubClient(completion: (route: RouteName) => "SUCCESS" | "ERROR" = () => "SUCCESS") {
  const sent: Sent[] = [];
  const tasks = new Map<string, TaskStatus>();
  const account: Account = {
    id: ID,
    name: "jdoe",
    sourceId: SOURCE,
    nativeIdentity: "jdoe",
    identityId: null,
    manuallyCorrelated: false,
  } as Account;
  let patchTakesEffect = true;
  const client: IscClient = {
    // One poller per base URL in the task waiter: a unique one keeps tests apart.
    baseUrl: `https://stub-${Math.random().toString(16).slice(2)}.example`,
    clientId: "stub",
    generation: "versioned",
    async request<T>(route: RouteName, opts: RequestOptions = {}): Promise<IscResponse<T>> {
      if (route === "listTaskStatus") return { status: 200, data: [...tasks.values()] as T, headers: {} };
      sent.push({ route, params: opts.params, body: opts.body, contentType: opts.contentType });
      if (route === "patchAccount") {
        if (patchTakesEffect) {
          for (const op of opts.body as Array<{ op: string; path: string; value?: unknown }>) {
            if (op.path === "/identityId") account.identityId = op.op === "remove" ? null : (op.value as string);
            if (op.path === "/manuallyCorrelated") account.manuallyCorrelated = op.value as boolean;
          }
          if ((opts.body as Array<{ path: string }>).some((op) => op.path === "/identityId") && account.identityId)
            account.manuallyCorrelated = true;
        }
        return { status: 202, data: {} as T, headers: {} };
      }
      const id = `task-${sent.length}`;
      const status = completion(route);
      tasks.set(id, {
        id,
        completed: new Date().toISOString(),
        completionStatus: status,
        messages:
          status === "ERROR"
            ? [{ type: "ERROR", localizedText: { locale: "en-US", message: `${route} refused` } }]
            : [],
      } as unknown as TaskStatus);
      return { status: 202, data: { id } as T, headers: {} };
    },
    paginate: () => Promise.reject(new Error("not used")),
    whenIdle: () => Promise.resolve(),
    stats: () => ({ requests: {}, throttled: 0, retries: 0 }),
  };
  const ctx: ApplyContext = {
    client,
    readAccount: async () => ({ ...account }),
    run: { adopt: false, taskTimeoutMs: 1000, pollIntervalMs: 1 },
    label: `account "jdoe" (id ${ID}) on source ${SOURCE}`,
    warnings: [],
  };
  return { ctx, sent, neverShowPatches: () => (patchTakesEffect = false) };
}

function desired(overrides: Partial<DesiredAccount> = {}): DesiredAccount {
  return { sourceId: SOURCE, nativeIdentity: "jdoe", attributes: {}, enabled: true, unlock: false, ...overrides };
}

function current(overrides: Partial<CurrentAccount> = {}): CurrentAccount {
  return {
    id: ID,
    attributes: { email: "old@example.com" },
    identityId: null,
    manuallyCorrelated: false,
    disabled: false,
    locked: false,
    ...overrides,
  };
}

describe("account apply: executes the engine's plan generically", () => {
  it("calls each operation's route with its params, body and content type, in plan order", async () => {
    const { ctx, sent } = stubClient();
    const plan = planAccountChanges(
      desired({
        attributes: { email: "new@example.com" },
        identityId: IDENTITY,
        enabled: false,
        unlock: true,
        forceProvisioning: true,
      }),
      current({ locked: true }),
    );
    await applySteps(ctx, plan);
    expect(sent).to.deep.equal([
      {
        route: "putAccount",
        params: { id: ID },
        body: { attributes: { email: "new@example.com" } },
        contentType: undefined,
      },
      {
        route: "patchAccount",
        params: { id: ID },
        body: [{ op: "replace", path: "/identityId", value: IDENTITY }],
        contentType: "application/json-patch+json",
      },
      { route: "disableAccount", params: { id: ID }, body: { forceProvisioning: true }, contentType: undefined },
      { route: "unlockAccount", params: { id: ID }, body: { forceProvisioning: true }, contentType: undefined },
    ]);
  });

  it("enables an account declared enabled and disables one declared disabled", async () => {
    const enable = stubClient();
    await applySteps(enable.ctx, planAccountChanges(desired({ enabled: true }), current({ disabled: true })));
    expect(enable.sent.map((s) => s.route)).to.deep.equal(["enableAccount"]);

    const disable = stubClient();
    await applySteps(disable.ctx, planAccountChanges(desired({ enabled: false }), current({ disabled: false })));
    expect(disable.sent.map((s) => s.route)).to.deep.equal(["disableAccount"]);
  });

  it("reloads through the reload operation", async () => {
    const { ctx, sent } = stubClient();
    await applySteps(ctx, [reloadOperation(ID)]);
    expect(sent).to.deep.equal([
      { route: "reloadAccount", params: { id: ID }, body: undefined, contentType: undefined },
    ]);
  });

  it("waits for each task and stops at the first failed one, naming what was and was not applied", async () => {
    const { ctx, sent } = stubClient((route) => (route === "putAccount" ? "ERROR" : "SUCCESS"));
    const plan = planAccountChanges(desired({ attributes: { email: "new@example.com" }, enabled: false }), current());
    const error = await applySteps(ctx, plan).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).to.be.instanceOf(PlanStepError);
    expect((error as PlanStepError).message)
      .to.contain('"update attributes email" failed')
      .and.contain("putAccount refused")
      .and.contain("Not applied: disable");
    expect(sent.map((s) => s.route)).to.deep.equal(["putAccount"]);
  });

  it("calls a step ended by a 5xx or a reset sent but not confirmed, and one ended by a 4xx failed", async () => {
    const outcomeOf = async (error: Error) => {
      const { ctx } = stubClient();
      const answer = ctx.client.request.bind(ctx.client);
      ctx.client.request = async (route, opts) =>
        route === "putAccount" ? Promise.reject(error) : answer(route, opts);
      const plan = planAccountChanges(desired({ attributes: { email: "new@example.com" }, enabled: false }), current());
      return applySteps(ctx, plan).then(
        () => "no error",
        (err: Error) => err.message,
      );
    };
    const failure = (status: number) =>
      new IscApiError({ method: "PUT", path: `/v3/accounts/${ID}`, status, messages: [`status ${status}`] });
    expect(await outcomeOf(failure(503)))
      .to.contain('"update attributes email" was sent but not confirmed')
      .and.contain("Not applied: disable");
    expect(
      await outcomeOf(new IscNetworkError("PUT", `/v3/accounts/${ID}`, "ECONNRESET", "socket hang up")),
    ).to.contain("was sent but not confirmed");
    expect(await outcomeOf(failure(400))).to.contain('"update attributes email" failed');
    // The token request failing: the PUT itself was never sent.
    const token = new IscApiError({ method: "POST", path: "/oauth/token", status: 503, messages: ["down"] });
    expect(await outcomeOf(token)).to.contain('"update attributes email" failed');
  });

  it("after a PATCH (no task), polls the account until it shows the change, and fails when it never does", async () => {
    const ok = stubClient();
    await applySteps(ok.ctx, planAccountChanges(desired({ identityId: IDENTITY, enabled: false }), current()));
    expect(ok.sent.map((s) => s.route)).to.deep.equal(["patchAccount", "disableAccount"]);

    const stuck = stubClient();
    stuck.neverShowPatches();
    stuck.ctx.run.taskTimeoutMs = 20;
    const error = await applySteps(
      stuck.ctx,
      planAccountChanges(desired({ identityId: IDENTITY, enabled: false }), current()),
    ).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(error?.message)
      .to.contain('"correlate to identity')
      .and.contain("was sent but not confirmed: the PATCH was accepted but")
      .and.contain("Not applied: disable");
    expect(stuck.sent.map((s) => s.route)).to.deep.equal(["patchAccount"]);
  });
});
