/**
 * The ISC client against the simulator: a real HTTP server with tasks, tokens, rate limits and
 * injected faults. Proves the client's promises end to end, not against a scripted stub.
 */
import { expect } from "chai";
import { inspect } from "node:util";
import { accountReaderFor } from "../../provider/resources/account/account-reader";
import { createAccount, disableAccount, getAccount } from "../../provider/client/accounts";
import { clearTokenCache } from "../../provider/client/auth";
import { AmbiguousCreateError } from "../../provider/client/errors";
import { createIscClient, type ClientOptions, type IscClient } from "../../provider/client/request";
import { getAccountSchema } from "../../provider/client/sources";
import { waitForTask } from "../../provider/client/task-waiter";
import type { Account } from "../../provider/client/types";
import { demoSeed, startSimulator, type RunningSimulator } from "../../simulator";

const SECRET = "s3cr3t-VALUE";
const fastRetry: ClientOptions["retry"] = { minDelayMs: 5, maxDelayMs: 50 };

describe("client against the ISC simulator", function () {
  let sim: RunningSimulator;
  let sourceId: string;
  let identityAttribute: string;
  let counter = 0;
  const logged: string[] = [];

  before(async () => {
    // The demo tenant plus a client whose secret the assertions below can look for.
    const seed = demoSeed();
    seed.clients = [...(seed.clients ?? []), { clientId: "leak-check", clientSecret: SECRET }];
    sim = await startSimulator({ port: 0, taskDelayMs: 30, seed });
    const source = sim.admin.state().sources.find((s) => s.type === "DelimitedFile") ?? sim.admin.state().sources[0];
    sourceId = source.id;
    identityAttribute = source.identityAttribute;
  });
  after(() => sim.stop());
  beforeEach(() => {
    clearTokenCache();
    sim.resetFaults();
    sim.clearRequests();
    logged.length = 0;
  });

  function client(options: ClientOptions = {}): IscClient {
    return createIscClient(
      { baseUrl: sim.url, clientId: "leak-check", clientSecret: SECRET },
      { retry: fastRetry, logger: (l) => logged.push(l), ...options },
    );
  }

  async function createAndWait(c: IscClient, nativeIdentity: string): Promise<Account> {
    const taskId = await createAccount(c, {
      attributes: { sourceId, [identityAttribute]: nativeIdentity, displayName: nativeIdentity },
    });
    const { task } = await waitForTask(c, taskId, { pollIntervalMs: 20, maxPollIntervalMs: 100, timeoutMs: 10_000 });
    expect(task.completionStatus).to.equal("SUCCESS");
    // Created accounts can take a moment to become visible: bounded look-ups.
    for (let i = 0; i < 50; i++) {
      const [account] = (await accountReaderFor(c).findByNativeIdentity(sourceId, nativeIdentity)).exact;
      if (account) return account;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`account ${nativeIdentity} never became visible`);
  }

  const nextName = () => `client-it-${++counter}`;

  it("creates an account through a task and reads it back", async () => {
    const c = client();
    const name = nextName();
    const account = await createAndWait(c, name);
    expect(account).to.include({ sourceId, nativeIdentity: name });
    expect((await getAccount(c, account.id))?.nativeIdentity).to.equal(name);
    expect((await getAccountSchema(c, sourceId))?.identityAttribute).to.equal(identityAttribute);
    expect(logged.every((l) => !l.includes(SECRET))).to.equal(true);
  });

  it("absorbs 429 bursts, 5xx, resets and early token expiry on reads and task polls", async () => {
    const c = client();
    const name = nextName();
    const created = await createAndWait(c, name);
    sim.setFaults({
      rateLimitBurst: 2,
      errorRate: 0.15,
      resetRate: 0.05,
      tokenExpiryMs: 150,
      visibilityDelayMs: 50,
      completedBeforeStatusMs: 50,
    });
    sim.expireAllTokens(); // the next token is issued under tokenExpiryMs
    for (let i = 0; i < 15; i++) {
      expect((await getAccount(c, created.id))?.id).to.equal(created.id);
      await new Promise((r) => setTimeout(r, 20));
    }
    // A non-creating task call is retried through 5xx and resets; its task is awaited through them too.
    const taskId = await disableAccount(c, created.id);
    const { task } = await waitForTask(c, taskId, { pollIntervalMs: 20, maxPollIntervalMs: 100, timeoutMs: 10_000 });
    expect(task.completionStatus).to.equal("SUCCESS");
    expect(logged.every((l) => !l.includes(SECRET))).to.equal(true);
    const stats = c.stats();
    expect(stats.throttled).to.be.at.least(2);
    expect(stats.retries).to.be.at.least(2);
    const log = sim.requests();
    expect(log.filter((r) => r.budget === "oauth").length).to.be.at.least(3); // renewed after each early expiry
    expect(log.some((r) => r.status === 401)).to.equal(true);
  });

  it("retries a create after 429 but not after a 500 that may have applied it", async () => {
    const c = client();
    sim.setFaults({ rateLimitBurst: 1 });
    sim.clearRequests();
    await createAndWait(c, nextName());
    expect(c.stats().throttled).to.equal(1);

    sim.setFaults({ errorAfterApplyRate: 1 });
    sim.clearRequests();
    const name = nextName();
    const err = await createAccount(c, { attributes: { sourceId, [identityAttribute]: name } }).catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(AmbiguousCreateError);
    expect(sim.requests().filter((r) => r.method === "POST" && r.path === "/v3/accounts")).to.have.length(1);
    for (const text of [String(err), inspect(err, { depth: 10, showHidden: true }), JSON.stringify(err)])
      expect(text).not.to.contain(SECRET);
    sim.resetFaults();
    // The reason it was not retried: the account is there (or will be, once its task ends).
    let found: Account | undefined;
    for (let i = 0; i < 100 && !found; i++) {
      [found] = (await accountReaderFor(c).findByNativeIdentity(sourceId, name)).exact;
      if (!found) await new Promise((r) => setTimeout(r, 20));
    }
    expect(found?.nativeIdentity).to.equal(name);
  });

  it("stays under a time-scaled simulator rate limit without a single 429", async () => {
    await sim.stop();
    sim = await startSimulator({
      port: 0,
      taskDelayMs: 30,
      rateLimit: { requestsPerWindow: 20, windowMs: 1_000 },
      timeScale: 0.5,
    });
    const c = createIscClient(
      { baseUrl: sim.url, clientId: sim.clients[0].clientId, clientSecret: sim.clients[0].clientSecret },
      { rateLimit: { requestsPerWindow: 19, windowMs: 500 }, retry: fastRetry },
    );
    const any = sim.admin.state().sources[0].id;
    await Promise.all(Array.from({ length: 60 }, () => getAccountSchema(c, any)));
    expect(sim.requests().filter((r) => r.status === 429)).to.have.length(0);
    expect(c.stats().requests.v3).to.equal(60);
  });
});
