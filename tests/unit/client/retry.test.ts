import { expect } from "chai";
import type * as http from "node:http";
import * as sinon from "sinon";
import { AmbiguousCreateError, IscApiError, IscNetworkError } from "../../../provider/client/errors";
import { createIscClient, type ClientOptions } from "../../../provider/client/request";
import type { PreparedRequest, Send } from "../../../provider/client/pipeline";
import {
  classifyFailure,
  DEFAULT_RETRY_POLICY,
  isTransientFailure,
  retryLayer,
  type RetryPolicy,
} from "../../../provider/client/retry";
import { resolveRoute } from "../../../provider/client/routes";
import { backoffDelayMs } from "../../../provider/client/throttle";
import { FakeIsc, json, reset, settingsFor, useFakeIsc } from "./fixtures/fake-isc";

const fastRetry: ClientOptions = { rateLimit: false, retry: { minDelayMs: 1, maxDelayMs: 5 } };
const createBody = { attributes: { sourceId: "src-1", name: "jdoe" } };

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail("expected the request to fail"),
    (e: unknown) => e,
  );
}

/** Answers with each status in turn, then 200 with `ok`. */
function sequence(statuses: number[], ok: unknown = { id: "s1" }, headers: Record<string, string> = {}) {
  let i = 0;
  return (_req: unknown, res: http.ServerResponse) => {
    const status = statuses[i++];
    if (status === undefined) return json(res, 200, ok);
    if (status === -1) return reset(res);
    json(
      res,
      status,
      { messages: [{ locale: "en-US", text: `failure ${i}` }], trackingId: `t${i}` },
      status === 429 ? headers : {},
    );
  };
}

describe("client retry policy", () => {
  describe("classification and backoff", () => {
    const get = { method: "GET", path: "/v3/accounts", creates: false };
    const post = { method: "POST", path: "/v3/accounts", creates: true };
    const apiError = (status: number, path = "/v3/accounts", method = "POST") =>
      new IscApiError({ method, path, status, messages: [] });

    it(
      "retries 5xx and resets, reconnects a refused connection a few times; never other 4xx, DNS or TLS " + "failures",
      () => {
        for (const status of [500, 502, 503, 504])
          expect(classifyFailure(apiError(status, "/v3/accounts", "GET"), get)).to.equal("retry");
        // A 429 reaches the retry layer only once throttle.ts gave up on it.
        for (const status of [400, 401, 403, 404, 409, 429])
          expect(classifyFailure(apiError(status, "/v3/accounts", "GET"), get)).to.equal("fail");
        for (const code of ["ECONNRESET", "ETIMEDOUT", "ECONNABORTED", "EPIPE"]) {
          expect(classifyFailure(new IscNetworkError("GET", "/v3/accounts", code, ""), get)).to.equal("retry");
        }
        for (const code of ["ECONNREFUSED", "EHOSTUNREACH", "EAI_AGAIN"]) {
          expect(classifyFailure(new IscNetworkError("GET", "/v3/accounts", code, ""), get)).to.equal("reconnect");
        }
        for (const code of ["ENOTFOUND", "EPROTO", "CERT_HAS_EXPIRED", "ERR_SSL_WRONG_VERSION_NUMBER"]) {
          expect(classifyFailure(new IscNetworkError("GET", "/v3/accounts", code, ""), get)).to.equal("fail");
        }
        expect(classifyFailure(new Error("bug"), get)).to.equal("fail");
        expect([429, 503].map((status) => isTransientFailure(apiError(status)))).to.deep.equal([true, true]);
        expect([400, 403].map((status) => isTransientFailure(apiError(status)))).to.deep.equal([false, false]);
        expect(isTransientFailure(new IscNetworkError("POST", "/v3/accounts", "ECONNRESET", ""))).to.equal(true);
      },
    );

    it(
      "treats a creating POST that may have reached ISC as ambiguous, but not a 429, a refused connection or a " +
        "token failure",
      () => {
        expect(classifyFailure(apiError(500), post)).to.equal("ambiguous");
        expect(classifyFailure(new IscNetworkError("POST", "/v3/accounts", "ECONNRESET", ""), post)).to.equal(
          "ambiguous",
        );
        expect(classifyFailure(new IscNetworkError("POST", "/v3/accounts", "ETIMEDOUT", ""), post)).to.equal(
          "ambiguous",
        );
        expect(classifyFailure(new IscNetworkError("POST", "/v3/accounts", "ECONNREFUSED", ""), post)).to.equal(
          "reconnect",
        );
        expect(classifyFailure(apiError(503, "/oauth/token"), post)).to.equal("retry");
      },
    );

    it("uses full jitter, capped by maxDelayMs", () => {
      const policy = { attempts: 8, maxElapsedMs: 1e6, minDelayMs: 100, maxDelayMs: 1_000 };
      expect(backoffDelayMs(3, policy, () => 0)).to.equal(0);
      expect(backoffDelayMs(3, policy, () => 0.5)).to.equal(400);
      expect(backoffDelayMs(10, policy, () => 0.999)).to.equal(999);
    });
  });

  describe("against a server", () => {
    let fake: FakeIsc;
    const fakeIsc = useFakeIsc();
    beforeEach(() => (fake = fakeIsc()));

    it("absorbs transient 5xx and resets on reads, and counts the retries", async () => {
      fake.on("GET", "/v3/sources/s1", sequence([503, -1, 502]));
      const client = createIscClient(settingsFor(fake), fastRetry);
      const res = await client.request<{ id: string }>("getSource", { params: { id: "s1" } });
      expect(res.data.id).to.equal("s1");
      expect(fake.api()).to.have.length(4);
      expect(client.stats()).to.deep.include({ retries: 3, throttled: 0 });
      expect(client.stats().requests).to.deep.equal({ v3: 4 });
    });

    it("waits the Retry-After seconds after a 429", async () => {
      fake.on("GET", "/v3/sources/s1", sequence([429], { id: "s1" }, { "Retry-After": "1" }));
      const client = createIscClient(settingsFor(fake), { rateLimit: false, retry: { minDelayMs: 1, maxDelayMs: 1 } });
      await client.request("getSource", { params: { id: "s1" } });
      const [first, second] = fake.api();
      expect(second.at - first.at).to.be.at.least(990);
      expect(client.stats().throttled).to.equal(1);
    });

    it("gives up after the configured number of attempts with the last error", async () => {
      fake.on("GET", "/v3/sources/s1", sequence(Array(50).fill(503)));
      const client = createIscClient(settingsFor(fake), {
        ...fastRetry,
        retry: { attempts: 3, minDelayMs: 1, maxDelayMs: 2 },
      });
      const err = await failure(client.request("getSource", { params: { id: "s1" } }));
      expect(err).to.be.instanceOf(IscApiError);
      expect((err as IscApiError).status).to.equal(503);
      expect((err as IscApiError).message)
        .to.contain("failure 3")
        .and.contain("trackingId: t3");
      expect(fake.api()).to.have.length(3);
    });

    it("does not count 429s against the attempts: a throttling burst leaves them for real failures", async () => {
      fake.on("GET", "/v3/sources/s1", sequence([429, 429, 429, 429, 429, 503]));
      const client = createIscClient(settingsFor(fake), {
        rateLimit: false,
        retry: { attempts: 2, minDelayMs: 1, maxDelayMs: 2 },
      });
      const res = await client.request<{ id: string }>("getSource", { params: { id: "s1" } });
      expect(res.data.id).to.equal("s1");
      expect(fake.api()).to.have.length(7);
      expect(client.stats()).to.deep.include({ throttled: 5, retries: 6 });
    });

    it("gives up when the total time budget is spent", async () => {
      fake.on("GET", "/v3/sources/s1", sequence(Array(500).fill(500)));
      const client = createIscClient(settingsFor(fake), {
        rateLimit: false,
        retry: { attempts: 500, maxElapsedMs: 300, minDelayMs: 40, maxDelayMs: 40 },
      });
      const started = Date.now();
      const err = await failure(client.request("getSource", { params: { id: "s1" } }));
      expect(err).to.be.instanceOf(IscApiError);
      expect(Date.now() - started).to.be.lessThan(700);
      expect(fake.api().length).to.be.within(2, 60);
    });

    it("never retries other 4xx answers", async () => {
      fake.on("GET", "/v3/sources/s1", sequence([400, 400]));
      const client = createIscClient(settingsFor(fake), fastRetry);
      const err = await failure(client.request("getSource", { params: { id: "s1" } }));
      expect((err as IscApiError).status).to.equal(400);
      expect(fake.api()).to.have.length(1);
    });

    it(
      "does not repeat a creating POST after a 500: AmbiguousCreateError tells the caller to look " + "up first",
      async () => {
        fake.on("POST", "/v3/accounts", sequence([500], { id: "task-1" }));
        const client = createIscClient(settingsFor(fake), fastRetry);
        const err = await failure(client.request("createAccount", { body: createBody }));
        expect(err).to.be.instanceOf(AmbiguousCreateError);
        expect((err as AmbiguousCreateError).message)
          .to.contain("POST /v3/accounts may have been applied")
          .and.contain("look the object up");
        expect((err as AmbiguousCreateError).causeSummary).to.contain("500");
        expect(fake.api()).to.have.length(1);
      },
    );

    it("does not repeat a creating POST after a connection reset", async () => {
      fake.on("POST", "/v3/accounts", sequence([-1], { id: "task-1" }));
      const client = createIscClient(settingsFor(fake), fastRetry);
      const err = await failure(client.request("createAccount", { body: createBody }));
      expect(err).to.be.instanceOf(AmbiguousCreateError);
      expect((err as AmbiguousCreateError).causeSummary).to.contain("ECONNRESET");
      expect(fake.api()).to.have.length(1);
    });

    it("does not repeat a creating POST that timed out, but does repeat a read that did", async () => {
      fake.on("POST", "/v3/accounts", async (_req, res) => {
        await new Promise((r) => setTimeout(r, 300));
        json(res, 202, { id: "task-1" });
      });
      let slowReads = 1;
      fake.on("GET", "/v3/sources/s1", async (_req, res) => {
        if (slowReads-- > 0) await new Promise((r) => setTimeout(r, 300));
        json(res, 200, { id: "s1" });
      });
      const client = createIscClient(settingsFor(fake), { ...fastRetry, timeoutMs: 100 });
      expect(await failure(client.request("createAccount", { body: createBody }))).to.be.instanceOf(
        AmbiguousCreateError,
      );
      expect(fake.api("/v3/accounts")).to.have.length(1);
      expect((await client.request<{ id: string }>("getSource", { params: { id: "s1" } })).data.id).to.equal("s1");
      expect(fake.api("/v3/sources/s1")).to.have.length(2);
    });

    it("does repeat a creating POST after a 429", async () => {
      fake.on("POST", "/v3/accounts", sequence([429], { id: "task-1" }, { "Retry-After": "0" }));
      const client = createIscClient(settingsFor(fake), fastRetry);
      const res = await client.request<{ id: string }>("createAccount", { body: createBody });
      expect(res.data.id).to.equal("task-1");
      expect(fake.api()).to.have.length(2);
    });

    it("does repeat a creating POST whose connection was refused", async () => {
      // A tenant that hands out a token and then goes away: the create call itself is refused.
      const gone = await FakeIsc.start();
      const client = createIscClient(settingsFor(gone), {
        ...fastRetry,
        retry: { attempts: 3, minDelayMs: 1, maxDelayMs: 2 },
      });
      await failure(client.request("getSource", { params: { id: "none" } }));
      await gone.stop();
      const err = await failure(client.request("createAccount", { body: createBody }));
      expect(err).to.be.instanceOf(IscNetworkError);
      expect(err).to.include({ code: "ECONNREFUSED", method: "POST", path: "/v3/accounts" });
      expect(client.stats().retries).to.equal(2);
      expect(client.stats().requests.v3).to.equal(4);
    });
  });

  describe("telling the user of a request that keeps failing", () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: 0 });
      // p-retry's backoff without jitter: 1, 2, 4, 8 s ... after the 1st, 2nd, 3rd, 4th try.
      sinon.stub(Math, "random").returns(0);
    });
    afterEach(() => {
      clock.restore();
      sinon.restore();
    });

    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, minDelayMs: 1_000 };
    const prepared = (name: "getSource" | "listTaskStatus"): PreparedRequest => ({
      route: resolveRoute(name, { id: "s1" }),
      url: "http://isc.test/",
      opts: {},
    });
    /** The retry layer with its notices kept in `lines`. */
    const toldLayer = () => {
      const lines: string[] = [];
      const send = retryLayer(
        policy,
        { retries: 0, throttled: 0 },
        () => undefined,
        (line) => lines.push(line),
      );
      return { lines, send };
    };
    /** A server that answers 503 to the first `failures` tries of each request, then 200. */
    const failingFor = (failures: number): Send => {
      const tries = new Map<PreparedRequest, number>();
      return async (request) => {
        const n = (tries.get(request) ?? 0) + 1;
        tries.set(request, n);
        if (n > failures) return { status: 200, data: {}, headers: {} };
        const { method, path } = request.route;
        throw new IscApiError({ method, path, status: 503, messages: ["Service Unavailable"] });
      };
    };

    it("tells a request failing for 5 s once: the request, its last failure, what retrying has left", async () => {
      const { lines, send } = toldLayer();
      const done = send(failingFor(5))(prepared("getSource"));
      await clock.tickAsync(3_000); // tries at 0, 1 and 3 s: failing for 3 s, nothing told
      expect(lines).to.deep.equal([]);
      await clock.tickAsync(20_000); // tries at 7 and 15 s, the 6th (at 31 s) succeeds
      await clock.tickAsync(10_000);
      expect((await done).status).to.equal(200);
      expect(lines).to.deep.equal([
        "ISC request failing: GET /v3/sources/s1 answered 503 (4 tries, failing for 7 s); " +
          "it is sent again with backoff: at most 4 more, none started after about 1970-01-01T00:05:00.000Z",
      ]);
    });

    it("keeps to one line per API version every 30 s while its requests keep failing", async () => {
      const { lines, send } = toldLayer();
      // Each request fails 7 tries (at 0, 1, 3, 7, 15, 31 and 61 s after its first) and succeeds at the 8th.
      const server = failingFor(7);
      const requests = [send(server)(prepared("getSource")), send(server)(prepared("getSource"))];
      await clock.tickAsync(2_000);
      requests.push(send(server)(prepared("listTaskStatus"))); // v2025, another budget: told apart
      await clock.tickAsync(100_000);
      expect((await Promise.all(requests)).map((r) => r.status)).to.deep.equal([200, 200, 200]);
      // v3 at 7 s (both failing together: one line), not at 15 or 31 s (within 30 s), again at 61 s;
      // v2025 at 9 and 63 s.
      expect(
        lines.map((line) => line.replace(/ answered 503 /, " ").replace(/; it is sent.*about /, " until ")),
      ).to.deep.equal([
        "ISC request failing: GET /v3/sources/s1 (4 tries, failing for 7 s) until 1970-01-01T00:05:00.000Z",
        "ISC request failing: GET /v2025/task-status (4 tries, failing for 7 s) until 1970-01-01T00:05:02.000Z",
        "ISC request failing: GET /v3/sources/s1 (7 tries, failing for 61 s) until 1970-01-01T00:05:00.000Z",
        "ISC request failing: GET /v2025/task-status (7 tries, failing for 61 s) until 1970-01-01T00:05:02.000Z",
      ]);
    });

    it("counts from the first failure, not the first try, and names a failing token request as such", async () => {
      const { lines, send } = toldLayer();
      let tries = 0;
      const done = send(async () => {
        // The first try waits 9 s (a queue for a rate-limit slot, a slow answer) before its token request fails.
        if (tries++ === 0) await new Promise((resolve) => setTimeout(resolve, 9_000));
        if (tries <= 4) throw new IscApiError({ method: "POST", path: "/oauth/token", status: 503, messages: [] });
        return { status: 200, data: {}, headers: {} };
      })(prepared("getSource"));
      await clock.tickAsync(9_000 + 3_000); // failures at 9, 10 and 12 s: failing for 3 s, nothing told
      expect(lines).to.deep.equal([]);
      await clock.tickAsync(15_000); // the 4th fails at 16 s (told), the 5th, at 24 s, succeeds
      expect((await done).status).to.equal(200);
      expect(lines).to.deep.equal([
        "ISC request failing: GET /v3/sources/s1: getting a token, POST /oauth/token answered 503 " +
          "(4 tries, failing for 7 s); it is sent again with backoff: at most 4 more, " +
          "none started after about 1970-01-01T00:05:00.000Z",
      ]);
    });

    it("tells nothing of a request whose every retry starts within 5 s of its first failure", async () => {
      const { lines, send } = toldLayer();
      const done = send(failingFor(3))(prepared("getSource")); // fails at 0, 1 and 3 s; succeeds at 7 s
      await clock.tickAsync(10_000);
      expect((await done).status).to.equal(200);
      expect(lines).to.deep.equal([]);
    });
  });
});
