import { expect } from "chai";
import { inspect } from "node:util";
import { clearTokenCache } from "../../../provider/client/auth";
import { createIscClient, type ClientOptions } from "../../../provider/client/request";
import { FakeIsc, json, reset, settingsFor, TEST_SECRET, useFakeIsc } from "./fixtures/fake-isc";

/** Every way an error reaches a user or a log. */
function renderings(err: unknown): string[] {
  const e = err as Error;
  return [
    String(e),
    e.message,
    String(e.stack),
    inspect(e, { depth: 20, showHidden: true }),
    JSON.stringify(e),
    JSON.stringify(
      Object.fromEntries(Object.getOwnPropertyNames(e).map((k) => [k, (e as unknown as Record<string, unknown>)[k]])),
    ),
  ];
}

function expectNoSecrets(texts: string[]): void {
  for (const text of texts) {
    expect(text).not.to.contain(TEST_SECRET);
    expect(text).not.to.contain("bearer-SECRET"); // every token the fake issues contains this
    expect(text).not.to.match(/Bearer tok/i);
  }
}

describe("client secrets never leak", () => {
  let fake: FakeIsc;
  const logged: string[] = [];
  const options: ClientOptions = {
    rateLimit: false,
    retry: { attempts: 2, minDelayMs: 1, maxDelayMs: 2 },
    timeoutMs: 200,
    logger: (l) => logged.push(l),
  };
  const fakeIsc = useFakeIsc();
  beforeEach(() => (fake = fakeIsc()));
  afterEach(() => expectNoSecrets(logged));

  async function errorOf(p: Promise<unknown>): Promise<unknown> {
    const err = await p.then(
      () => expect.fail("expected a failure"),
      (e: unknown) => e,
    );
    expectNoSecrets(renderings(err));
    return err;
  }

  it("when the token endpoint echoes the form body in its error", async () => {
    fake.tokenFailure = { status: 400, body: { error: `bad request: client_secret=${TEST_SECRET}` } };
    const err = await errorOf(
      createIscClient(settingsFor(fake), options).request("getSource", { params: { id: "s" } }),
    );
    expect((err as Error).message).to.contain("[REDACTED]");
  });

  it("when an API error echoes the Authorization header", async () => {
    fake.on("GET", "/v3/sources/s", (req, res) =>
      json(res, 400, {
        messages: [{ text: `bad header ${req.headers.authorization}` }],
        causes: [{ text: String(req.headers.authorization) }],
      }),
    );
    const err = await errorOf(
      createIscClient(settingsFor(fake), options).request("getSource", { params: { id: "s" } }),
    );
    expect((err as Error).message).to.contain("[REDACTED]");
  });

  it("when the token request or the API call is reset or times out", async () => {
    fake.on("GET", "/v3/sources/reset", (_req, res) => reset(res));
    fake.on("GET", "/v3/sources/slow", async (_req, res) => {
      await new Promise((r) => setTimeout(r, 400));
      json(res, 200, {});
    });
    const client = createIscClient(settingsFor(fake), options);
    await errorOf(client.request("getSource", { params: { id: "reset" } }));
    await errorOf(client.request("getSource", { params: { id: "slow" } }));
    clearTokenCache();
    fake.tokenDelayMs = 400;
    await errorOf(client.request("getSource", { params: { id: "reset" } }));
  });

  it("when a creating POST becomes an AmbiguousCreateError, and after a second 401", async () => {
    fake.on("POST", "/v3/accounts", (req, res) =>
      json(res, 500, { messages: [{ text: `echo ${req.body.toString()} ${req.headers.authorization}` }] }),
    );
    fake.on("GET", "/v3/sources/denied", (req, res) =>
      json(res, 401, { error: `token ${req.headers.authorization} rejected` }),
    );
    const client = createIscClient(settingsFor(fake), options);
    const ambiguous = await errorOf(
      client.request("createAccount", { body: { attributes: { sourceId: "x", password: TEST_SECRET } } }),
    );
    expect((ambiguous as Error).name).to.equal("AmbiguousCreateError");
    await errorOf(client.request("getSource", { params: { id: "denied" } }));
  });

  it("logs method, path, status and duration only", async () => {
    fake.on("GET", "/v3/sources/s", (_req, res) => json(res, 200, { id: "s" }, { "X-Deprecated": "true" }));
    const client = createIscClient(settingsFor(fake), options);
    logged.length = 0;
    await client.request("getSource", { params: { id: "s" } });
    await client.request("getSource", { params: { id: "s" } });
    expect(logged.filter((l) => /^ISC GET \/v3\/sources\/s 200 \d+ms$/.test(l))).to.have.length(2);
    expect(logged.filter((l) => l.includes("X-Deprecated"))).to.have.length(1);
    expect(logged.some((l) => /^ISC POST \/oauth\/token 200 \d+ms$/.test(l))).to.equal(true);
  });
});
