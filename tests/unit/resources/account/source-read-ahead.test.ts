import { expect } from "chai";
import { createAccountReader } from "../../../../provider/resources/account/account-reader";
import { createSourceReadAhead } from "../../../../provider/resources/account/source-read-ahead";
import { createIscClient, type IscClient } from "../../../../provider/client/request";
import type { Account } from "../../../../provider/client/types";
import { iscAccount } from "../../../support/accounts";

/** A rate budget that always has a free slot. */
const idle = () => Promise.resolve();

const account = (id: string, sourceId: string, nativeIdentity: string, displayName = nativeIdentity): Account =>
  iscAccount(id, sourceId, nativeIdentity, { attributes: { displayName } });
import { FakeIsc, json, settingsFor, useFakeIsc } from "../../client/fixtures/fake-isc";
import { withParallelism } from "../../../support/parallel-reads";

const quoted = (filter: string) => [...filter.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);

describe("account source read-ahead (refresh) and the checks before creates", () => {
  let fake: FakeIsc;
  let client: IscClient;
  let tenant: Account[];
  const fakeIsc = useFakeIsc();

  const sourceListings = () =>
    fake.api("/v3/accounts").filter((r) => /^sourceId eq "[^"]+"$/.test(r.query.get("filters") ?? ""));
  const otherCalls = () =>
    fake.api("/v3/accounts").filter((r) => !/^sourceId eq "[^"]+"$/.test(r.query.get("filters") ?? ""));

  beforeEach(() => {
    fake = fakeIsc();
    tenant = [];
    for (let i = 0; i < 300; i++) tenant.push(account(`a${String(i).padStart(4, "0")}`, "small", `user${i}`));
    for (let i = 0; i < 5_000; i++) tenant.push(account(`b${String(i).padStart(5, "0")}`, "huge", `big${i}`));
    fake.on("GET", "/v3/accounts", (req, res) => {
      const filter = req.query.get("filters") ?? "";
      const values = quoted(filter);
      let matches: Account[];
      if (filter.startsWith("id in")) matches = tenant.filter((a) => values.includes(a.id));
      else if (filter.includes("nativeIdentity in"))
        matches = tenant.filter((a) => a.sourceId === values[0] && values.slice(1).includes(a.nativeIdentity));
      else matches = tenant.filter((a) => a.sourceId === values[0]).sort((a, b) => a.id.localeCompare(b.id));
      const offset = Number(req.query.get("offset") ?? 0);
      const limit = Number(req.query.get("limit") ?? 250);
      const headers: Record<string, string> =
        req.query.get("count") === "true" ? { "X-Total-Count": String(matches.length) } : {};
      json(res, 200, matches.slice(offset, offset + limit), headers);
    });
    client = createIscClient(settingsFor(fake), { rateLimit: false });
  });

  it("refreshes 300 accounts of a 300-account source at --parallel 16 with its 2 listing pages only", async () => {
    const reader = createAccountReader(client, idle);
    const small = tenant.filter((a) => a.sourceId === "small");
    const read = new Map<string, Account | undefined>();
    await withParallelism(small, 16, async (a) => read.set(a.id, await reader.getForRefresh(a.id, "small")));
    expect([...read.values()].every((a, i) => a?.id === small[i].id)).to.equal(true);
    expect(sourceListings().map((r) => r.query.get("offset"))).to.deep.equal(["0", "250"]);
    expect(sourceListings()[0].query.get("sorters")).to.equal("id");
    expect(otherCalls()).to.have.length(0);
  });

  it("on a 5 000-account source the stack barely uses, reads a page per 16 reads at most", async () => {
    const reader = createAccountReader(client, idle, { refreshReadAhead: { readsPerPage: 16 } });
    // 50 accounts spread over 20 pages
    const wanted = tenant.filter((a) => a.sourceId === "huge").filter((_a, i) => i % 100 === 7);
    await withParallelism(wanted, 16, async (a) =>
      expect((await reader.getForRefresh(a.id, "huge"))?.id).to.equal(a.id),
    );
    expect(sourceListings().length, "pages read ahead").to.be.at.most(Math.ceil(wanted.length / 16));
    // Reading the whole source would have cost 20 requests; by id alone at least ceil(50/16) = 4.
    expect(sourceListings().length + otherCalls().length).to.be.at.most(2 * Math.ceil(wanted.length / 16) + 1);
  });

  it("on a huge source the stack barely uses, costs at most 4 pages per --parallel reads by default", async () => {
    const reader = createAccountReader(client, idle);
    // 50 accounts spread over the 20 pages, read in an order unrelated to their ids (as state order is)
    const huge = tenant.filter((a) => a.sourceId === "huge");
    const wanted = Array.from({ length: 50 }, (_v, i) => huge[(i * 2_003 + 7) % huge.length]);
    await withParallelism(wanted, 16, async (a) =>
      expect((await reader.getForRefresh(a.id, "huge"))?.id).to.equal(a.id),
    );
    expect(sourceListings().length, "pages: one per 16 / 4 reads at most").to.be.at.most(Math.ceil(wanted.length / 4));
    expect(sourceListings().length, "never the whole source").to.be.lessThan(20);
    // The reads the pages did not reach waited for each other: by id, a list per --parallel ids at most.
    expect(otherCalls().length).to.be.at.most(Math.ceil(wanted.length / 16));
  });

  it("reads beyond the pages wait; when every read in flight waits, they go by id together in one list", async () => {
    const reader = createAccountReader(client, idle);
    const lastPages = ["b04800", "b04900", "b04950", "b04999"];
    await withParallelism(lastPages, 4, async (id) =>
      expect((await reader.getForRefresh(id, "huge"))?.id).to.equal(id),
    );
    // --parallel 4: a page per read, so 4 pages; then all 4 reads wait with nothing under way, and go by id.
    expect(sourceListings().map((r) => r.query.get("offset"))).to.deep.equal(["0", "250", "500", "750"]);
    expect(otherCalls().map((r) => quoted(r.query.get("filters") ?? "").sort())).to.deep.equal([lastPages]);
  });

  it("a read waiting for the ration waits at most maxParkMs, even when other reads keep it from a stall", async () => {
    const ahead = createSourceReadAhead(client, { readsPerPage: 1_000, maxParkMs: 30 });
    let byId = 0;
    // a0000x sorts before page 1's last id and is not on it: read by id, a read that never ends here
    void ahead.read("a0000x", "small", () => new Promise<undefined>(() => undefined));
    const beyond = await ahead.read("a0299", "small", async (id) => {
      byId++;
      return tenant.find((a) => a.id === id);
    });
    expect(beyond?.id).to.equal("a0299");
    expect(byId, "read by id after its wait").to.equal(1);
    expect(sourceListings()).to.have.length(1);
  });

  it("never concludes a deletion from a listing: an id the pages lack is read by id", async () => {
    const reader = createAccountReader(client, idle);
    const gone = tenant.find((a) => a.id === "a0005")!;
    tenant = tenant.filter((a) => a !== gone);
    expect(await reader.getForRefresh("a0001", "small")).to.have.property("id", "a0001");
    expect(await reader.getForRefresh("a0005", "small")).to.equal(undefined);
    expect(otherCalls().map((r) => r.query.get("filters"))).to.deep.equal(['id in ("a0005")']);
  });

  it("after forget(id) (the provider changes that account), reads it fresh by id", async () => {
    const reader = createAccountReader(client, idle);
    await reader.getForRefresh("a0001", "small");
    tenant[2] = account("a0002", "small", "user2", "Changed");
    reader.forget("a0002");
    expect((await reader.getForRefresh("a0002", "small"))?.attributes?.displayName).to.equal("Changed");
    expect(otherCalls()).to.have.length(1);
  });

  it("before a create: a listing shows which accounts exist; every name is still asked of ISC, batched", async () => {
    // A listing cannot prove absence: offset paging skips an account when another one is deleted
    // mid-scan, and it is stale once someone else creates; "absent" would send a POST that upserts.
    // Nor does it say what a listed account holds now (that feeds a takeover and its PUT).
    const reader = createAccountReader(client, idle);
    const names = ["user7", "user299", ...Array.from({ length: 38 }, (_v, i) => `newcomer${i}`)];
    const found = await Promise.all(names.map(async (n) => (await reader.findExisting("small", n)).exact));
    expect(found.slice(0, 2).map(([a]) => a?.id)).to.deep.equal(["a0007", "a0299"]);
    expect(found.slice(2).every((a) => a.length === 0)).to.equal(true);
    expect(sourceListings()).to.have.length(2);
    const asked = otherCalls().flatMap((r) => quoted(r.query.get("filters") ?? "").slice(1));
    expect(asked.sort(), "every name asked of ISC").to.deep.equal([...names].sort());
    expect(otherCalls().length, "batched").to.be.at.most(3);
  });

  it("before a create: an account someone else deleted mid-scan cannot hide one the listing skipped", async () => {
    // Page 1 is read; then another client deletes an account on it, shifting later offsets back by
    // one: page 2 starts one account late, so the listing never shows user250.
    const reader = createAccountReader(client, idle, { createReadAhead: { readsPerPage: 1 } });
    expect((await reader.findExisting("small", "user3")).exact[0]?.id).to.equal("a0003"); // page 1 of 2
    tenant.splice(
      tenant.findIndex((a) => a.id === "a0010"),
      1,
    );
    expect((await reader.findExisting("small", "user299")).exact[0]?.id).to.equal("a0299"); // page 2: complete
    expect((await reader.findExisting("small", "user250")).exact[0]?.id, "found by a lookup").to.equal("a0250");
  });

  it("before a create: an account differing only in case is reported apart, never as the match", async () => {
    tenant.push(account("a0000y", "small", "E1001"));
    const reader = createAccountReader(client, idle);
    expect(await reader.findExisting("small", "e1001")).to.deep.equal({
      exact: [],
      otherCase: [tenant[tenant.length - 1]],
    });
    expect((await reader.findExisting("small", "E1001")).exact.map((a) => a.id)).to.deep.equal(["a0000y"]);
  });

  it("drops a refresh's listing once unused for a while: a long-lived process lists afresh", async () => {
    const reader = createAccountReader(client, idle, { refreshReadAhead: { idleMs: 50 } });
    expect((await reader.getForRefresh("a0003", "small"))?.attributes?.displayName).to.equal("user3");
    tenant[3] = account("a0003", "small", "user3", "Renamed in the UI");
    await new Promise((r) => setTimeout(r, 80));
    expect((await reader.getForRefresh("a0003", "small"))?.attributes?.displayName).to.equal("Renamed in the UI");
    expect(sourceListings()).to.have.length(2);
  });

  it("fresh reads (getById, findByNativeIdentity) never use the listing", async () => {
    const reader = createAccountReader(client, idle);
    await reader.getForRefresh("a0001", "small");
    const before = fake.api().length;
    await reader.getById("a0001");
    await reader.findByNativeIdentity("small", "user1");
    expect(fake.api().length - before).to.equal(2);
  });

  it("falls back to reads by id when a listing page fails", async () => {
    fake.on("GET", "/v3/accounts", (req, res) => {
      if (/^sourceId eq/.test(req.query.get("filters") ?? "") && !req.query.get("filters")!.includes(" and ")) {
        return json(res, 400, {
          detailCode: "400.1 Bad Request",
          trackingId: "t-400",
          messages: [{ locale: "en-US", text: "sorting not supported" }],
        });
      }
      json(
        res,
        200,
        tenant.filter((a) => quoted(req.query.get("filters")!).includes(a.id)),
      );
    });
    const reader = createAccountReader(client, idle);
    expect((await reader.getForRefresh("a0009", "small"))?.id).to.equal("a0009");
    expect(otherCalls()).to.have.length(1);
  });
});
