import { expect } from "chai";
import * as sinon from "sinon";
import { limiterFor, SlidingWindowLimiter } from "../../../provider/client/rate-limit";
import { createIscClient } from "../../../provider/client/request";
import { FakeIsc, json, settingsFor, useFakeIsc } from "./fixtures/fake-isc";

describe("client rate limiter", () => {
  describe("sliding window", () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => (clock = sinon.useFakeTimers({ now: 0 })));
    afterEach(() => clock.restore());

    it("never grants more than the budget within any window, in arrival order", async () => {
      const limiter = new SlidingWindowLimiter({ requestsPerWindow: 5, windowMs: 1_000 });
      const grants: Array<{ n: number; at: number }> = [];
      const all = Array.from({ length: 23 }, (_, n) =>
        limiter.acquire().then((release) => {
          grants.push({ n, at: Date.now() });
          release();
        }),
      );
      await clock.tickAsync(10_000);
      await Promise.all(all);
      expect(grants.map((g) => g.n)).to.deep.equal([...Array(23).keys()]);
      for (const g of grants) {
        expect(grants.filter((o) => o.at > g.at - 1_000 && o.at <= g.at).length).to.be.at.most(5);
      }
      // 23 requests at 5 per second: the last one goes out in the fifth second, not later.
      expect(grants[22].at).to.equal(4_000);
    });

    it(
      "counts a slot until a window after its request ENDED (the server counts arrivals, which " + "lag grants)",
      async () => {
        const limiter = new SlidingWindowLimiter({ requestsPerWindow: 2, windowMs: 1_000 });
        const releaseA = await limiter.acquire();
        const releaseB = await limiter.acquire();
        let thirdAt: number | undefined;
        const third = limiter.acquire().then((release) => ((thirdAt = Date.now()), release()));
        await clock.tickAsync(300);
        releaseA();
        await clock.tickAsync(999);
        expect(thirdAt).to.equal(undefined);
        await clock.tickAsync(1);
        await third;
        expect(thirdAt).to.equal(1_300);
        releaseB();
      },
    );

    it("holds every caller of the budget while paused after a 429", async () => {
      const limiter = new SlidingWindowLimiter({ requestsPerWindow: 100, windowMs: 1_000 });
      limiter.pauseUntil(3_000);
      const times: number[] = [];
      const all = [1, 2, 3].map(() => limiter.acquire().then((release) => (times.push(Date.now()), release())));
      await clock.tickAsync(5_000);
      await Promise.all(all);
      expect(times).to.deep.equal([3_000, 3_000, 3_000]);
    });

    it("whenIdle resolves only once nobody is queued and a slot is free", async () => {
      const limiter = new SlidingWindowLimiter({ requestsPerWindow: 2, windowMs: 1_000 });
      let idleAt: number | undefined;
      await limiter.whenIdle().then(() => (idleAt = Date.now()));
      expect(idleAt, "free budget: at once").to.equal(0);

      (await limiter.acquire())();
      (await limiter.acquire())();
      let queuedGrantedAt: number | undefined;
      const queued = limiter.acquire().then((release) => ((queuedGrantedAt = Date.now()), release));
      idleAt = undefined;
      const idle = limiter.whenIdle().then(() => (idleAt = Date.now()));
      await clock.tickAsync(999);
      expect(idleAt, "window full, one caller queued").to.equal(undefined);
      await clock.tickAsync(1);
      await Promise.all([queued, idle]);
      expect(queuedGrantedAt).to.equal(1_000);
      expect(idleAt, "after the queued caller, not before it").to.equal(1_000);
    });

    it("shares one limiter per tenant, client id and budget across the process", () => {
      const key = { baseUrl: "https://x.example", clientId: "c", budget: "v3" };
      expect(limiterFor(key)).to.equal(limiterFor({ ...key }));
      expect(limiterFor(key)).not.to.equal(limiterFor({ ...key, budget: "v2025" }));
    });
  });

  describe("in the client", () => {
    let fake: FakeIsc;
    const fakeIsc = useFakeIsc();
    beforeEach(() => (fake = fakeIsc()));

    it("keeps each budget under its limit (v3 and v2025 counted separately)", async () => {
      fake.on("GET", "/v3/sources/s", (_req, res) => json(res, 200, {}));
      fake.on("GET", "/v2025/task-status/t", (_req, res) => json(res, 200, {}));
      const client = createIscClient(settingsFor(fake), { rateLimit: { requestsPerWindow: 4, windowMs: 300 } });
      const started = Date.now();
      await Promise.all([
        ...Array.from({ length: 9 }, () => client.request("getSource", { params: { id: "s" } })),
        ...Array.from({ length: 4 }, () => client.request("getTaskStatus", { params: { id: "t" } })),
      ]);
      const v3 = fake.api("/v3/sources/s").map((r) => r.at);
      for (const at of v3) expect(v3.filter((o) => o > at - 290 && o <= at).length).to.be.at.most(4);
      expect(v3[8] - started).to.be.at.least(590); // 9 requests at 4 per 300 ms need a third window
      const v2025 = fake.api("/v2025/task-status/t").map((r) => r.at);
      expect(Math.max(...v2025) - started).to.be.lessThan(250); // its own budget, not queued behind v3
      expect(client.stats().requests).to.deep.equal({ v3: 9, v2025: 4 });
    });

    it("pauses the whole budget when one request gets 429 with Retry-After", async () => {
      let throttled = false;
      fake.on("GET", "/v3/sources/first", (_req, res) => {
        if (!throttled) {
          throttled = true;
          return json(res, 429, { message: "Rate Limit Exceeded" }, { "Retry-After": "1" });
        }
        json(res, 200, {});
      });
      fake.on("GET", "/v3/sources/other", (_req, res) => json(res, 200, {}));
      const client = createIscClient(settingsFor(fake), { retry: { minDelayMs: 1, maxDelayMs: 2 } });
      const first = client.request("getSource", { params: { id: "first" } });
      await new Promise((r) => setTimeout(r, 100)); // the 429 has arrived
      const otherStarted = Date.now();
      await Promise.all([first, client.request("getSource", { params: { id: "other" } })]);
      const [throttledReq] = fake.api("/v3/sources/first");
      const [other] = fake.api("/v3/sources/other");
      expect(other.at - throttledReq.at).to.be.at.least(990);
      expect(other.at - otherStarted).to.be.at.least(800);
      expect(client.stats().throttled).to.equal(1);
    });
  });
});
