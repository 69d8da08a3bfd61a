import { expect } from "chai";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as sinon from "sinon";
import type { IscResponse, PreparedRequest, Send } from "../../../provider/client/pipeline";
import { SlidingWindowLimiter } from "../../../provider/client/rate-limit";
import { createIscClient } from "../../../provider/client/request";
import { resolveRoute } from "../../../provider/client/routes";
import {
  DEFAULT_MAX_RETRY_AFTER_SECONDS,
  RetryAfterTooLongError,
  throttleLayer,
  type ThrottleOptions,
} from "../../../provider/client/throttle";
import { clientOptionsFromConfig } from "../../../provider/resources/shared/runtime";
import { json, settingsFor, useFakeIsc, type FakeIsc } from "./fixtures/fake-isc";

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** The client options a Pulumi program gets from an empty stack config (names the isc: settings). */
const stackOptions = () => ({
  ...clientOptionsFromConfig(() => undefined),
  rateLimit: false as const,
  retry: { minDelayMs: 1, maxDelayMs: 2 },
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail("expected the request to fail"),
    (e: unknown) => e,
  );
}

describe("client throttling (429)", () => {
  describe("against a server", () => {
    let fake: FakeIsc;
    const fakeIsc = useFakeIsc();
    beforeEach(() => (fake = fakeIsc()));

    it("a 429 with Retry-After: 3600 fails within a second naming isc:maxRetryAfterSeconds", async () => {
      fake.on("GET", "/v3/sources/s1", (_req, res) =>
        json(res, 429, { message: "Rate Limit Exceeded" }, { "Retry-After": "3600" }),
      );
      const client = createIscClient(settingsFor(fake), stackOptions());
      const started = Date.now();
      const err = await failure(client.request("getSource", { params: { id: "s1" } }));
      expect(Date.now() - started).to.be.lessThan(1_000);
      expect(err).to.be.instanceOf(RetryAfterTooLongError);
      expect((err as Error).message)
        .to.contain("ISC asked to wait 3600 s")
        .and.contain(`the ${DEFAULT_MAX_RETRY_AFTER_SECONDS} s this client waits`)
        .and.contain("isc:maxRetryAfterSeconds");
      expect(fake.api()).to.have.length(1);
      expect(client.stats()).to.deep.include({ throttled: 1, retries: 0 });
    });

    it("an HTTP-date Retry-After a year ahead fails fast instead of overflowing a timer", async () => {
      const date = new Date(Date.now() + YEAR_MS).toUTCString();
      fake.on("GET", "/v3/sources/s1", (_req, res) =>
        json(res, 429, { message: "Rate Limit Exceeded" }, { "Retry-After": date }),
      );
      const client = createIscClient(settingsFor(fake), stackOptions());
      const err = await failure(client.request("getSource", { params: { id: "s1" } }));
      expect(err).to.be.instanceOf(RetryAfterTooLongError);
      expect((err as RetryAfterTooLongError).retryAfterSeconds).to.be.within(YEAR_MS / 1000 - 5, YEAR_MS / 1000 + 1);
      expect(fake.api()).to.have.length(1);
    });

    it("waits out a 429 from the token endpoint like any other", async () => {
      let tokenCalls = 0;
      const server = http.createServer((req, res) => {
        if (req.url === "/oauth/token") {
          if (++tokenCalls === 1) return json(res, 429, { message: "Rate Limit Exceeded" }, { "Retry-After": "0" });
          return json(res, 200, { access_token: "tok-throttled-1", expires_in: 750 });
        }
        json(res, 200, { id: "s1" });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const client = createIscClient(
          { baseUrl: url, clientId: "token-429", clientSecret: "s3cr3t-VALUE" },
          stackOptions(),
        );
        expect((await client.request<{ id: string }>("getSource", { params: { id: "s1" } })).data.id).to.equal("s1");
        expect(tokenCalls).to.equal(2);
        expect(client.stats().throttled).to.equal(1);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it("raising the bound lets the client wait: isc:maxRetryAfterSeconds reaches the client", () => {
      expect(
        clientOptionsFromConfig((key) => (key === "isc:maxRetryAfterSeconds" ? "1200" : undefined))
          .maxRetryAfterSeconds,
      ).to.equal(1200);
      expect(() =>
        clientOptionsFromConfig((key) => (key === "isc:maxRetryAfterSeconds" ? "100000" : undefined)),
      ).to.throw(/at most 86400/);
      expect(() =>
        clientOptionsFromConfig((key) => (key === "isc:maxRetryAfterSeconds" ? "soon" : undefined)),
      ).to.throw(/isc:maxRetryAfterSeconds/);
    });
  });

  describe("the throttle layer", () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => (clock = sinon.useFakeTimers({ now: 0 })));
    afterEach(() => clock.restore());

    const request: PreparedRequest = {
      route: resolveRoute("listAccounts"),
      url: "http://isc.test/v3/accounts",
      opts: {},
    };
    const answer = (status: number, headers: Record<string, string> = {}): IscResponse<unknown> => ({
      status,
      data: {},
      headers,
    });

    function layer(overrides: Partial<ThrottleOptions> = {}): {
      send: (next: Send) => Send;
      limiter: SlidingWindowLimiter;
    } {
      const limiter = new SlidingWindowLimiter({ requestsPerWindow: 100, windowMs: 10_000 });
      const options: ThrottleOptions = {
        limiterOf: () => limiter,
        maxRetryAfterSeconds: DEFAULT_MAX_RETRY_AFTER_SECONDS,
        maxRetryAfterSetting: "isc:maxRetryAfterSeconds",
        maxElapsedMs: 300_000,
        minDelayMs: 500,
        maxDelayMs: 30_000,
        onThrottled: () => undefined,
        log: () => undefined,
        ...overrides,
      };
      return { send: throttleLayer(options), limiter };
    }

    it(
      "sits out ISC's escalating waits within the bound (60 s) and fails fast on the first beyond " + "it (300 s)",
      async () => {
        const retryAfters = ["60", "300", "600", "1200"];
        const sentAt: number[] = [];
        const next = sinon.stub<[PreparedRequest], Promise<IscResponse<unknown>>>().callsFake(async () => {
          sentAt.push(Date.now());
          return answer(429, { "retry-after": retryAfters[sentAt.length - 1] });
        });
        const { send } = layer();
        const outcome = send(next)(request).catch((e: unknown) => e);
        await clock.tickAsync(59_999);
        expect(sentAt).to.deep.equal([0]);
        await clock.tickAsync(1);
        const err = await outcome;
        expect(sentAt).to.deep.equal([0, 60_000]);
        expect(err).to.be.instanceOf(RetryAfterTooLongError);
        expect((err as Error).message)
          .to.contain("ISC asked to wait 300 s")
          .and.contain("isc:maxRetryAfterSeconds");
      },
    );

    it("pauses the shared limiter for the wait, so every caller of the budget holds", async () => {
      let calls = 0;
      const next: Send = async () => (calls++ === 0 ? answer(429, { "retry-after": "5" }) : answer(200));
      const { send, limiter } = layer();
      const done = send(next)(request);
      await clock.tickAsync(0);
      let otherAt: number | undefined;
      const other = limiter.acquire().then((release) => ((otherAt = Date.now()), release()));
      await clock.tickAsync(5_000);
      expect((await done).status).to.equal(200);
      await other;
      expect(otherAt).to.equal(5_000);
    });

    it("tells the user once when 429s hold the budget 5 s or more: the request, the wait, its end", async () => {
      const lines: string[] = [];
      const sent = new Map<number, number>();
      let n = 0;
      const { send } = layer({ notice: (line) => lines.push(line) });
      const caller = () => {
        const me = n++;
        const next: Send = async () => {
          sent.set(me, (sent.get(me) ?? 0) + 1);
          return sent.get(me) === 1 ? answer(429, { "retry-after": "30" }) : answer(200);
        };
        return send(next)(request);
      };
      const done = Promise.all([caller(), caller(), caller()]);
      await clock.tickAsync(30_000);
      expect((await done).map((r) => r.status)).to.deep.equal([200, 200, 200]);
      expect(lines).to.deep.equal([
        "ISC rate limit: GET /v3/accounts answered 429; every v3 request of this client waits 30 s (Retry-After), " +
          "until 1970-01-01T00:00:30.000Z",
      ]);
    });

    it("tells 429s that arrive staggered during a told wait as that one wait, and a later wait again", async () => {
      const lines: string[] = [];
      const { send } = layer({ notice: (line) => lines.push(line) });
      const throttledOnce = () => {
        let calls = 0;
        return send(async () => (calls++ === 0 ? answer(429, { "retry-after": "30" }) : answer(200)))(request);
      };
      const first = throttledOnce();
      await clock.tickAsync(2_000);
      const second = throttledOnce(); // its wait ends 2 s after the one told: the same wait
      await clock.tickAsync(31_000);
      await Promise.all([first, second]);
      expect(lines).to.have.length(1);
      const later = throttledOnce(); // the told wait is over: a new one is told
      await clock.tickAsync(30_000);
      await later;
      expect(lines).to.have.length(2);
      expect(lines[1]).to.contain("waits 30 s (Retry-After), until 1970-01-01T00:01:03.000Z");
    });

    it("keeps a 429 wait under 5 s quiet and tells one of 5 s", async () => {
      const lines: string[] = [];
      const { send } = layer({ notice: (line) => lines.push(line) });
      const throttledOnce = (seconds: string) => {
        let calls = 0;
        return send(async () => (calls++ === 0 ? answer(429, { "retry-after": seconds }) : answer(200)))(request);
      };
      const short = throttledOnce("4");
      await clock.tickAsync(4_000);
      await short;
      expect(lines).to.deep.equal([]);
      const long = throttledOnce("5");
      await clock.tickAsync(5_000);
      await long;
      expect(lines).to.have.length(1);
      expect(lines[0]).to.contain("waits 5 s");
    });

    it("returns the last 429 when waiting would pass the time budget", async () => {
      const next: Send = async () => answer(429, { "retry-after": "100" });
      const { send } = layer({ maxElapsedMs: 150_000 });
      const outcome = send(next)(request);
      await clock.tickAsync(100_000);
      expect((await outcome).status).to.equal(429);
    });
  });

  describe("the limiter paused far ahead", () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => (clock = sinon.useFakeTimers({ now: 0 })));
    afterEach(() => clock.restore());

    it("an HTTP-date Retry-After a year ahead neither overflows the timer nor spins", async () => {
      const limiter = new SlidingWindowLimiter({ requestsPerWindow: 100, windowMs: 10_000 });
      // Fake timers, like Node, fire a delay over 2^31-1 ms after 1 ms: a limiter that asked for one would spin.
      const timers = sinon.spy(globalThis, "setTimeout");
      try {
        limiter.pauseUntil(Date.now() + YEAR_MS);
        let granted = false;
        void limiter.acquire().then(() => (granted = true));
        await clock.tickAsync(60_000);
        expect(granted).to.equal(false);
        expect(timers.callCount).to.be.at.most(2);
        expect(Math.max(...timers.getCalls().map((c) => Number(c.args[1])))).to.be.at.most(2 ** 31 - 1);
      } finally {
        timers.restore();
      }
    });
  });
});
