import { expect } from "chai";
import * as sinon from "sinon";
import { clearTokenCache, renewalMarginMs, tokenSourceFor, type TokenGrant } from "../../../provider/client/auth";
import { IscApiError } from "../../../provider/client/errors";
import { createIscClient } from "../../../provider/client/request";
import { resolveConnectionSettings } from "../../../provider/client/settings";
import { FakeIsc, json, settingsFor, TEST_CLIENT_ID, TEST_SECRET, useFakeIsc } from "./fixtures/fake-isc";

const settings = { baseUrl: "https://auth-test.example", clientId: "c1", clientSecret: "s" };

describe("client token cache", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clearTokenCache();
    clock = sinon.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => clock.restore());

  function countingFetcher(lifetimeS: number) {
    let n = 0;
    const fetcher = sinon.spy(async (): Promise<TokenGrant> => ({
      accessToken: `t${++n}`,
      expiresInSeconds: lifetimeS,
    }));
    return fetcher;
  }

  it("reuses a token and renews it before expires_in runs out (max(30 s, 10%) early)", async () => {
    const fetcher = countingFetcher(750);
    const source = tokenSourceFor(settings, fetcher);
    expect(await source.getToken()).to.equal("t1");
    clock.tick(750_000 - 75_000 - 1); // just before the 10 % margin
    expect(await source.getToken()).to.equal("t1");
    clock.tick(2);
    expect(await source.getToken()).to.equal("t2");
    expect(fetcher.callCount).to.equal(2);
    expect(renewalMarginMs(100_000)).to.equal(30_000);
    expect(renewalMarginMs(20_000)).to.equal(10_000); // never more than half a short lifetime
  });

  it("shares the token across client objects with the same tenant and client id", async () => {
    const fetcher = countingFetcher(750);
    await tokenSourceFor(settings, fetcher).getToken();
    expect(await tokenSourceFor({ ...settings }, fetcher).getToken()).to.equal("t1");
    expect(await tokenSourceFor({ ...settings, clientId: "other" }, fetcher).getToken()).to.equal("t2");
  });

  it("makes one token request for many concurrent callers", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fetcher = sinon.spy(async (): Promise<TokenGrant> => {
      await gate;
      return { accessToken: "shared", expiresInSeconds: 750 };
    });
    const source = tokenSourceFor(settings, fetcher);
    const all = Promise.all(Array.from({ length: 25 }, () => source.getToken()));
    release();
    expect(new Set(await all)).to.deep.equal(new Set(["shared"]));
    expect(fetcher.callCount).to.equal(1);
  });

  it("gives every waiter the error of a failed token request, and tries again on the next call", async () => {
    let fail = true;
    const fetcher = sinon.spy(async (): Promise<TokenGrant> => {
      if (fail) throw new Error("token endpoint down");
      return { accessToken: "ok", expiresInSeconds: 750 };
    });
    const source = tokenSourceFor(settings, fetcher);
    const results = await Promise.allSettled([source.getToken(), source.getToken(), source.getToken()]);
    expect(results.map((r) => r.status)).to.deep.equal(["rejected", "rejected", "rejected"]);
    expect(fetcher.callCount).to.equal(1);
    fail = false;
    expect(await source.getToken()).to.equal("ok");
  });

  it("invalidates only the token that was rejected", async () => {
    const fetcher = countingFetcher(750);
    const source = tokenSourceFor(settings, fetcher);
    await source.getToken();
    source.invalidate("not-the-current-one");
    expect(await source.getToken()).to.equal("t1");
    source.invalidate("t1");
    source.invalidate("t1");
    expect(await source.getToken()).to.equal("t2");
    expect(fetcher.callCount).to.equal(2);
  });
});

describe("client authentication against a server", () => {
  let fake: FakeIsc;
  const fakeIsc = useFakeIsc();
  beforeEach(() => {
    fake = fakeIsc();
    fake.on("GET", "/v3/sources/s1", (_req, res) =>
      json(res, 200, { id: "s1", name: "Flat", connector: "delimited-file", owner: null }),
    );
  });

  it("posts client_credentials form-encoded, with no credentials in the URL", async () => {
    const client = createIscClient(settingsFor(fake), { rateLimit: false });
    await client.request("getSource", { params: { id: "s1" } });
    const [tokenReq] = fake.tokenRequests;
    expect(tokenReq.method).to.equal("POST");
    expect(tokenReq.url).to.equal("/oauth/token");
    expect(tokenReq.headers["content-type"]).to.contain("application/x-www-form-urlencoded");
    const form = new URLSearchParams(tokenReq.body.toString());
    expect(form.get("grant_type")).to.equal("client_credentials");
    expect(form.get("client_secret")).to.equal(TEST_SECRET);
    expect(fake.api()[0].headers.authorization).to.match(/^Bearer tok-\d+-/);
  });

  it("N concurrent requests from separate client objects cause one token request", async () => {
    fake.tokenDelayMs = 50;
    const clients = Array.from({ length: 5 }, () => createIscClient(settingsFor(fake), { rateLimit: false }));
    await Promise.all(clients.flatMap((c) => [1, 2, 3, 4].map(() => c.request("getSource", { params: { id: "s1" } }))));
    expect(fake.tokenRequests).to.have.length(1);
    expect(fake.api()).to.have.length(20);
  });

  it("renews the token once after a 401 and retries the call once", async () => {
    const client = createIscClient(settingsFor(fake), { rateLimit: false });
    await client.request("getSource", { params: { id: "s1" } });
    fake.revokeAll();
    const res = await client.request<{ id: string }>("getSource", { params: { id: "s1" } });
    expect(res.data.id).to.equal("s1");
    expect(fake.tokenRequests).to.have.length(2);
    const [first, rejected, renewed] = fake.api().map((r) => r.headers.authorization);
    expect(rejected).to.equal(first);
    expect(renewed).to.not.equal(first);
  });

  it("a second 401 after the renewal is an error, not a loop", async () => {
    fake.on("GET", "/v3/sources/s1", (_req, res) => json(res, 401, { error: "insufficient rights" }));
    const client = createIscClient(settingsFor(fake), { rateLimit: false, retry: { minDelayMs: 1, maxDelayMs: 2 } });
    const err = await client.request("getSource", { params: { id: "s1" } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(IscApiError);
    expect((err as IscApiError).status).to.equal(401);
    expect((err as IscApiError).message).to.contain("insufficient rights");
    expect(fake.tokenRequests).to.have.length(2);
    expect(fake.api()).to.have.length(2);
  });

  it("renews a token that is about to expire before using it", async () => {
    fake.tokenLifetimeS = 1; // margin is half the lifetime: renewal after 500 ms
    const client = createIscClient(settingsFor(fake), { rateLimit: false });
    await client.request("getSource", { params: { id: "s1" } });
    await client.request("getSource", { params: { id: "s1" } });
    expect(fake.tokenRequests).to.have.length(1);
    await new Promise((r) => setTimeout(r, 550));
    await client.request("getSource", { params: { id: "s1" } });
    expect(fake.tokenRequests).to.have.length(2);
    expect(fake.api().every((r) => r.headers.authorization !== undefined)).to.equal(true);
  });

  it("reports wrong credentials as a 401 from the token endpoint without retrying", async () => {
    const client = createIscClient(settingsFor(fake, "wrong-secret"), { rateLimit: false });
    const err = (await client.request("getSource", { params: { id: "s1" } }).catch((e: unknown) => e)) as IscApiError;
    expect(err).to.be.instanceOf(IscApiError);
    expect(err.message).to.match(/^ISC POST \/oauth\/token failed with 401 Unauthorized: invalid_client\. /);
    expect(fake.tokenRequests).to.have.length(1);
    expect(fake.api()).to.have.length(0);
  });

  it(
    "names the client id and secret settings, and where each was read from, when the token request says " +
      "invalid_client",
    async () => {
      const settings = resolveConnectionSettings(
        { baseUrl: fake.url, clientId: TEST_CLIENT_ID },
        { SAIL_CLIENT_SECRET: "wrong-secret" },
        undefined,
        (setting) => `stack config "isc:${setting}"`,
      );
      const err = (await createIscClient(settings, { rateLimit: false })
        .request("getSource", { params: { id: "s1" } })
        .catch((e: unknown) => e)) as IscApiError;
      expect(err).to.be.instanceOf(IscApiError);
      expect(err.message)
        .to.contain('clientId (read from stack config "isc:clientId")')
        .and.contain("clientSecret (read from environment variable SAIL_CLIENT_SECRET)")
        .and.contain(fake.url)
        .and.not.contain("wrong-secret");
    },
  );
});
