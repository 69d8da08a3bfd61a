import { expect } from "chai";
import type * as http from "node:http";
import { AmbiguousCreateError, IscApiError, IscNetworkError } from "../../../provider/client/errors";
import { createIscClient, type ClientOptions } from "../../../provider/client/request";
import { classifyFailure, isTransientFailure } from "../../../provider/client/retry";
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
});
