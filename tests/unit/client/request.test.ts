import { expect } from "chai";
import { ConfigurationError } from "../../../provider/client/errors";
import { firstPage, listPages } from "../../../provider/client/paginate";
import { createIscClient, type ClientOptions } from "../../../provider/client/request";
import { clientOptionsFromConfig } from "../../../provider/resources/shared/runtime";
import { FakeIsc, json, settingsFor, useFakeIsc } from "./fixtures/fake-isc";

const options: ClientOptions = { rateLimit: false, retry: { minDelayMs: 1, maxDelayMs: 2 } };

describe("client request path", () => {
  let fake: FakeIsc;
  const fakeIsc = useFakeIsc();
  beforeEach(() => (fake = fakeIsc()));

  function serveItems(path: string, total: number) {
    fake.on("GET", path, (req, res) => {
      const limit = Number(req.query.get("limit"));
      const offset = Number(req.query.get("offset"));
      const items = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => ({
        id: `a${offset + i}`,
      }));
      json(res, 200, items);
    });
  }

  it("paginates with limit 250 and growing offsets, stopping on a short page", async () => {
    serveItems("/v3/accounts", 600);
    const pages: number[] = [];
    const items = await createIscClient(settingsFor(fake), options).paginate<{ id: string }>("listAccounts", {
      query: { filters: 'sourceId eq "s1"' },
      onPage: (n) => pages.push(n),
    });
    expect(items).to.have.length(600);
    expect(items[599].id).to.equal("a599");
    expect(fake.api().map((r) => [r.query.get("limit"), r.query.get("offset"), r.query.get("filters")])).to.deep.equal([
      ["250", "0", 'sourceId eq "s1"'],
      ["250", "250", 'sourceId eq "s1"'],
      ["250", "500", 'sourceId eq "s1"'],
    ]);
    expect(pages).to.deep.equal([250, 500, 600]);
  });

  it("ends on an empty page when the total is a multiple of the page size, and honours pageSize", async () => {
    serveItems("/v3/accounts", 20);
    const items = await createIscClient(settingsFor(fake), options).paginate("listAccounts", { pageSize: 10 });
    expect(items).to.have.length(20);
    expect(fake.api().map((r) => r.query.get("offset"))).to.deep.equal(["0", "10", "20"]);
    const err = await createIscClient(settingsFor(fake), options)
      .paginate("listAccounts", { pageSize: 251 })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConfigurationError);
  });

  it("percent-encodes filters (spaces as %20) and path parameters", async () => {
    fake.on("GET", /^\/v3\/accounts/, (_req, res) => json(res, 200, []));
    const client = createIscClient(settingsFor(fake), options);
    await client.request("listAccounts", { query: { filters: 'name eq "a b&c"', count: true, skip: undefined } });
    await client.request("getAccount", { params: { id: "a/b c" } });
    const [list, get] = fake.api();
    expect(list.url).to.equal("/v3/accounts?filters=name%20eq%20%22a%20b%26c%22&count=true");
    expect(get.url).to.equal("/v3/accounts/a%2Fb%20c");
  });

  it("sends X-SailPoint-Experimental only on experimental routes", async () => {
    fake.on("GET", "/v2025/sources/s1/classify", (_req, res) => json(res, 200, { status: "STARTED" }));
    fake.on("GET", "/v3/sources/s1", (_req, res) => json(res, 200, {}));
    const client = createIscClient(settingsFor(fake), options);
    await client.request("getClassification", { params: { sourceId: "s1" } });
    await client.request("getSource", { params: { id: "s1" } });
    expect(fake.api().map((r) => r.headers["x-sailpoint-experimental"])).to.deep.equal(["true", undefined]);
  });

  it("uses per-service paths and budgets when asked to", async () => {
    fake.on("GET", "/accounts/v1/a1", (_req, res) => json(res, 200, { id: "a1" }));
    fake.on("GET", "/task-status/v1/t1", (_req, res) => json(res, 200, { id: "t1" }));
    const client = createIscClient(settingsFor(fake), { ...options, generation: "per-service" });
    await client.request("getAccount", { params: { id: "a1" } });
    await client.request("getTaskStatus", { params: { id: "t1" } });
    // One budget for every per-service path of v1: whether ISC counts each service apart is undocumented.
    expect(client.stats().requests).to.deep.equal({ "per-service/v1": 2 });
  });

  it("returns status, data and lower-case headers", async () => {
    fake.on("GET", "/v3/sources/s1", (_req, res) => json(res, 200, { id: "s1" }, { "X-Total-Count": "7" }));
    const res = await createIscClient(settingsFor(fake), options).request<{ id: string }>("getSource", {
      params: { id: "s1" },
    });
    expect(res.status).to.equal(200);
    expect(res.data).to.deep.equal({ id: "s1" });
    expect(res.headers["x-total-count"]).to.equal("7");
  });

  it("paginate stops where stopWhen says it has what it needs (one request for a full page of 250 ids)", async () => {
    serveItems("/v3/accounts", 600);
    const client = createIscClient(settingsFor(fake), options);
    const items = await client.paginate<{ id: string }>("listAccounts", { stopWhen: (sofar) => sofar.length >= 250 });
    expect(items).to.have.length(250);
    expect(fake.api()).to.have.length(1);
  });

  it("listPages pages on demand, asks for X-Total-Count on the first page only and ends at the total", async () => {
    fake.on("GET", "/v3/accounts", (req, res) => {
      const offset = Number(req.query.get("offset"));
      json(
        res,
        200,
        Array.from({ length: 250 }, (_, i) => ({ id: `a${offset + i}` })),
        req.query.get("count") === "true" ? { "X-Total-Count": "500" } : {},
      );
    });
    const pages = listPages<{ id: string }>(createIscClient(settingsFor(fake), options), "listAccounts", {
      query: { sorters: "id" },
      count: true,
    });
    const first = await pages.next();
    expect(fake.api()).to.have.length(1);
    expect(first.value).to.deep.include({ offset: 0, totalCount: 500 });
    const second = await pages.next();
    expect(second.done).to.equal(false);
    expect((await pages.next()).done).to.equal(true);
    expect(fake.api().map((r) => [r.query.get("offset"), r.query.get("count")])).to.deep.equal([
      ["0", "true"],
      ["250", null],
    ]);
  });

  it("firstPage asks for one page only, also when it is full", async () => {
    fake.on("GET", "/v3/accounts", (_req, res) =>
      json(
        res,
        200,
        Array.from({ length: 250 }, (_, i) => ({ id: `a${i}` })),
      ),
    );
    const page = await firstPage<{ id: string }>(createIscClient(settingsFor(fake), options), "listAccounts");
    expect(page).to.deep.include({ offset: 0, last: false });
    expect(page.items).to.have.length(250);
    expect(fake.api()).to.have.length(1);
  });

  it(
    "takes the token after the rate-limiter wait, so a queued request never goes out with a token that expired in " +
      "the queue",
    async () => {
      // Tokens live 0.2 s (renewed after 0.1 s); the limiter lets one request out per 300 ms window.
      fake.tokenLifetimeS = 0.2;
      let served = 0;
      fake.on("GET", "/v3/sources/s1", (_req, res) => {
        json(res, 200, { id: "s1" });
        // ISC rejects an expired token ("JWT is expired"); here: every token issued so far.
        if (++served === 1) fake.revokeAll();
      });
      const key = `${fake.url}/token-after-wait`;
      const client = createIscClient(
        { ...settingsFor(fake), clientId: key },
        { rateLimit: { requestsPerWindow: 1, windowMs: 300 } },
      );
      await Promise.all([
        client.request("getSource", { params: { id: "s1" } }),
        client.request("getSource", { params: { id: "s1" } }),
      ]);
      const [first, second] = fake.api();
      expect(second.headers.authorization).to.not.equal(first.headers.authorization);
      expect(fake.api()).to.have.length(2); // no 401 and resend
    },
  );

  it("warns once per client about X-Deprecated, naming isc:apiGeneration", async () => {
    fake.on("GET", "/v3/sources/s1", (_req, res) => json(res, 200, { id: "s1" }, { "X-Deprecated": "true" }));
    fake.on("GET", "/v3/accounts", (_req, res) => json(res, 200, [], { "X-Deprecated": "true" }));
    const lines: string[] = [];
    const client = createIscClient(settingsFor(fake), {
      ...options,
      settingNames: clientOptionsFromConfig(() => undefined).settingNames,
      logger: (l) => lines.push(l),
    });
    await client.request("getSource", { params: { id: "s1" } });
    await client.request("listAccounts");
    await client.request("getSource", { params: { id: "s1" } });
    const warnings = lines.filter((l) => l.includes("X-Deprecated"));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('Set isc:apiGeneration to "per-service"');
  });
});
