import { expect } from "chai";
import * as sinon from "sinon";
import { accountReaderFor, createAccountReader } from "../../../../provider/resources/account/account-reader";
import { createIscClient, type IscClient } from "../../../../provider/client/request";
import type { Account } from "../../../../provider/client/types";
import type { NativeMatches } from "../../../../provider/resources/account/account-match";
import { iscAccount as account } from "../../../support/accounts";

/** A rate budget that always has a free slot. */
const idle = () => Promise.resolve();
import { FakeIsc, json, settingsFor, useFakeIsc } from "../../client/fixtures/fake-isc";

/** Values inside the filter's quotes, unescaped. */
function quoted(filter: string): string[] {
  return [...filter.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, "$1"));
}

const store: Account[] = [];

/** A listing client answering `id in (...)` from `store`, recording each filter asked. */
function byIdStub(asked: string[]) {
  return {
    async request<T>(_route: string, opts: { query?: Record<string, unknown> } = {}) {
      asked.push(String(opts.query?.filters));
      return {
        status: 200,
        headers: {},
        data: store.filter((a) => String(opts.query?.filters).includes(`"${a.id}"`)) as T,
      };
    },
  };
}

describe("account reader", () => {
  let fake: FakeIsc;
  let client: IscClient;
  const fakeIsc = useFakeIsc();
  beforeEach(() => {
    fake = fakeIsc();
    store.length = 0;
    for (let i = 0; i < 400; i++) store.push(account(`acc${i}`, i % 2 === 0 ? "srcA" : "srcB", `user "${i}"\\x`));
    fake.on("GET", "/v3/accounts", (req, res) => {
      const filter = req.query.get("filters") ?? "";
      const [onSources, onNames] = filter.split(" and nativeIdentity in ");
      const matches = filter.startsWith("id in")
        ? store.filter((a) => quoted(filter).includes(a.id))
        : store.filter((a) => quoted(onSources).includes(a.sourceId) && quoted(onNames).includes(a.nativeIdentity));
      json(res, 200, matches.slice(0, Number(req.query.get("limit"))));
    });
    client = createIscClient(settingsFor(fake), { rateLimit: false });
  });

  it("turns 50 concurrent getById calls into one request", async () => {
    const reader = createAccountReader(client, idle);
    const ids = [...Array.from({ length: 49 }, (_, i) => `acc${i}`), "nope"];
    const found = await Promise.all(ids.map((id) => reader.getById(id)));
    expect(found.slice(0, 49).map((a) => a?.id)).to.deep.equal(ids.slice(0, 49));
    expect(found[49]).to.equal(undefined);
    expect(fake.api()).to.have.length(1);
    expect(fake.api()[0].query.get("filters")).to.match(/^id in \("acc0","acc1",/);
  });

  it("answers findByNativeIdentity on several sources with one request, with escaped values", async () => {
    const reader = createAccountReader(client, idle);
    const wanted = store.slice(0, 30);
    const found = await Promise.all(
      wanted.map(async (a) => (await reader.findByNativeIdentity(a.sourceId, a.nativeIdentity)).exact[0]),
    );
    expect(found.map((a) => a?.id)).to.deep.equal(wanted.map((a) => a.id));
    const filters = fake
      .api()
      .map((r) => r.query.get("filters")!)
      .sort();
    expect(filters).to.have.length(1);
    expect(filters[0]).to.match(/^sourceId in \("srcA","srcB"\) and nativeIdentity in \("user \\"0\\"\\\\x",/);
    expect(await reader.findByNativeIdentity("srcA", "nobody")).to.deep.equal({ exact: [], otherCase: [] });
  });

  it("asks a full page again in halves: an answer taken for absence is never read at an offset", async () => {
    store.length = 0;
    for (let i = 0; i < 250; i++) store.push(account(`full${i}`, "srcA", `n${i}`));
    fake.on("GET", "/v3/accounts", (req, res) => {
      const names = quoted((req.query.get("filters") ?? "").split(" and nativeIdentity in ")[1] ?? "");
      const offset = Number(req.query.get("offset") ?? 0);
      const matches = store.filter((a) => names.includes(a.nativeIdentity ?? ""));
      json(res, 200, matches.slice(offset, offset + Number(req.query.get("limit"))));
    });
    const reader = createAccountReader(client, idle);
    const found = await Promise.all(store.map((a) => reader.findByNativeIdentity("srcA", a.nativeIdentity ?? "")));
    expect(found.every((m, i) => m.exact[0]?.id === store[i].id)).to.equal(true);
    const offsets = fake.api().map((r) => Number(r.query.get("offset") ?? 0));
    expect(
      offsets.filter((o) => o > 0),
      "no page at an offset",
    ).to.deep.equal([]);
    expect(offsets, "the full page, then its two halves").to.have.length(3);
  });

  it("splits big batches to at most 250 values and URLs under 8 KB", async () => {
    const reader = createAccountReader(client, idle, { maxBatch: 250 });
    const found = await Promise.all(
      store.map(async (a) => (await reader.findByNativeIdentity(a.sourceId, a.nativeIdentity)).exact[0]),
    );
    expect(found.every((a, i) => a?.id === store[i].id)).to.equal(true);
    for (const req of fake.api()) {
      expect(quoted(req.query.get("filters")!).length - 1).to.be.at.most(250);
      expect(fake.url.length + req.url.length).to.be.lessThan(8_192);
    }
    // Two batches (250 + 150), each for both sources at once; the 250 names split in two to keep the URL short.
    expect(fake.api()).to.have.length(3);
    const ids = await Promise.all(store.map((a) => reader.getById(a.id)));
    expect(ids.every(Boolean)).to.equal(true);
  });

  it("while the rate budget is exhausted, lookups arriving one by one pile up into one list call", async () => {
    fake.on("GET", "/v3/sources/s", (_req, res) => json(res, 200, {}));
    const limited = createIscClient(settingsFor(fake), { rateLimit: { requestsPerWindow: 2, windowMs: 300 } });
    const reader = createAccountReader(limited, () => limited.whenIdle("listAccounts"));
    // Other requests (creates' POSTs, say) fill the budget for the next ~600 ms.
    const busy = Promise.all(Array.from({ length: 6 }, () => limited.request("getSource", { params: { id: "s" } })));
    const lookups: Array<Promise<NativeMatches>> = [];
    for (const a of store.slice(0, 20).filter((x) => x.sourceId === "srcA")) {
      lookups.push(reader.findByNativeIdentity(a.sourceId, a.nativeIdentity));
      await new Promise((r) => setTimeout(r, 30)); // one every 30 ms: each would be its own 15 ms batch
    }
    const found = await Promise.all(lookups);
    await busy;
    expect(found.every(Boolean)).to.equal(true);
    const lists = fake.api("/v3/accounts");
    expect(lists, "list calls for 10 lookups").to.have.length(1);
    expect(quoted(lists[0].query.get("filters")!)).to.have.length(11);
  });

  it("does not cache: a later call asks again", async () => {
    const reader = accountReaderFor(client);
    expect(accountReaderFor(client)).to.equal(reader);
    await reader.getById("acc1");
    await reader.getById("acc1");
    expect(fake.api()).to.have.length(2);
  });

  it("reads asked with gatherMs wait that long for each other: three reads 40 ms apart share one request", async () => {
    const asked: string[] = [];
    const stub = byIdStub(asked);
    const clock = sinon.useFakeTimers();
    try {
      const reader = createAccountReader(stub, idle);
      const reads = [reader.getById("acc1", 250)];
      await clock.tickAsync(40);
      reads.push(reader.getById("acc2", 250));
      await clock.tickAsync(40);
      reads.push(reader.getById("acc3", 250));
      await clock.tickAsync(300);
      expect((await Promise.all(reads)).map((a) => a?.id)).to.deep.equal(["acc1", "acc2", "acc3"]);
      expect(asked).to.deep.equal(['id in ("acc1","acc2","acc3")']);
    } finally {
      clock.restore();
    }
  });

  it(
    "a read after a write (getByIdNow) does not wait out the gather: it seals the reads gathering before other " +
      "writes into its request at once, and a later read gathers anew",
    async () => {
      const asked: string[] = [];
      const stub = byIdStub(asked);
      const clock = sinon.useFakeTimers();
      try {
        const reader = createAccountReader(stub, idle);
        const before = reader.getById("acc1", 250);
        await clock.tickAsync(40);
        const after = reader.getByIdNow("acc2", 250);
        await clock.tickAsync(1);
        expect(asked).to.deep.equal(['id in ("acc1","acc2")']);
        expect([(await before)?.id, (await after)?.id]).to.deep.equal(["acc1", "acc2"]);
        const later = reader.getById("acc3", 250);
        await clock.tickAsync(249);
        expect(asked, "the next read waits its own gather").to.have.length(1);
        await clock.tickAsync(2);
        expect((await later)?.id).to.equal("acc3");
        expect(asked[1]).to.equal('id in ("acc3")');
      } finally {
        clock.restore();
      }
    },
  );
});

describe("account reader: nativeIdentity lookups read every page", () => {
  const fakeIsc = useFakeIsc();

  it("does not stop after one page when a name matches two accounts (250 names, 251 accounts)", async () => {
    const fake = fakeIsc();
    const names = Array.from({ length: 250 }, (_v, i) => `n${i}`);
    const accounts = names.map((n, i) => account(`id${String(i).padStart(3, "0")}`, "src", n));
    accounts.unshift(account("dup000", "src", "n0")); // a tenant that does not merge creates holds n0 twice
    fake.on("GET", "/v3/accounts", (req, res) => {
      const [, ...wanted] = quoted(req.query.get("filters") ?? "");
      const offset = Number(req.query.get("offset") ?? 0);
      const matches = accounts.filter((a) => wanted.includes(a.nativeIdentity));
      json(res, 200, matches.slice(offset, offset + Number(req.query.get("limit"))));
    });
    const reader = createAccountReader(createIscClient(settingsFor(fake), { rateLimit: false }), idle, {
      maxBatch: 250,
    });
    const found = await Promise.all(names.map((n) => reader.findByNativeIdentity("src", n)));
    expect(found[0].exact.map((a) => a.id).sort()).to.deep.equal(["dup000", "id000"]);
    expect(
      names.filter((_n, i) => found[i].exact.length === 0),
      "reported absent",
    ).to.deep.equal([]);
  });
});
