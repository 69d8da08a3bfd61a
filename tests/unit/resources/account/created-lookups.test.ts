import { expect } from "chai";
import type { ListingClient } from "../../../../provider/resources/account/account-reader";
import type { Account } from "../../../../provider/client/types";
import type { RequestOptions } from "../../../../provider/client/pipeline";
import type { NativeMatches } from "../../../../provider/resources/account/account-match";
import { createCreatedLookups } from "../../../../provider/resources/account/created-lookups";
import { iscAccount as account } from "../../../support/accounts";

/** Lets every pending promise callback and timer of 0 ms run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
/** Long enough that only "every create of the source is waiting" can send a batch in these tests. */
const NO_HOLD_TIMER = 60_000;

describe("lookups after create (created-lookups)", () => {
  /** 600 accounts on srcN, created one per second: the newest page holds new350..new599. */
  let onSource: Account[];
  let listings: Array<Record<string, unknown>>;
  let exactLookups: string[];
  let client: ListingClient;
  const exactLookup = async (sourceId: string, nativeIdentity: string): Promise<NativeMatches> => {
    exactLookups.push(nativeIdentity);
    return {
      exact: onSource.filter((a) => a.sourceId === sourceId && a.nativeIdentity === nativeIdentity),
      otherCase: [],
    };
  };

  beforeEach(() => {
    onSource = Array.from({ length: 600 }, (_, i) =>
      account(`n${i}`, "srcN", `new${i}`, { created: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }),
    );
    listings = [];
    exactLookups = [];
    client = {
      async request<T>(_route: string, opts: RequestOptions = {}) {
        const query = opts.query ?? {};
        listings.push(query);
        const newest = [...onSource].sort((a, b) => b.created!.localeCompare(a.created!));
        const offset = Number(query.offset ?? 0);
        return { status: 200, headers: {}, data: newest.slice(offset, offset + Number(query.limit)) as T };
      },
    };
  });

  it(
    "waits until every create of the source reached its lookup, " +
      "then answers all 12 with ONE page of the newest accounts",
    async () => {
      const lookups = createCreatedLookups(client, exactLookup);
      const creates = onSource.slice(-12).map((a) => ({ account: a, pending: lookups.expect("srcN", NO_HOLD_TIMER) }));
      const found: Array<Promise<NativeMatches>> = [];
      for (const { account: a, pending } of creates.slice(0, 11)) {
        found.push(pending.find(a.nativeIdentity));
        await settle();
      }
      expect(listings, "nothing is sent while one create is still on its way").to.have.length(0);
      found.push(creates[11].pending.find(creates[11].account.nativeIdentity));
      const answers = await Promise.all(found);
      expect(answers.map((m) => m.exact.map((a) => a.id))).to.deep.equal(creates.map((c) => [c.account.id]));
      expect(listings).to.have.length(1);
      expect(listings[0]).to.include({ filters: 'sourceId eq "srcN"', sorters: "-created", limit: 250, offset: 0 });
      expect(exactLookups).to.deep.equal([]);
    },
  );

  it("a create that ends without a lookup (its task failed) no longer holds back the others", async () => {
    const lookups = createCreatedLookups(client, exactLookup);
    const [a, b, failed] = [
      lookups.expect("srcN", NO_HOLD_TIMER),
      lookups.expect("srcN", NO_HOLD_TIMER),
      lookups.expect("srcN", NO_HOLD_TIMER),
    ];
    const found = Promise.all([a.find("new599"), b.find("new598")]);
    await settle();
    expect(listings).to.have.length(0);
    failed.release();
    expect((await found).map((m) => m.exact[0].id)).to.deep.equal(["n599", "n598"]);
    expect(listings).to.have.length(1);
  });

  it("never concludes absence from the page: what it lacks is looked up by nativeIdentity", async () => {
    const lookups = createCreatedLookups(client, exactLookup);
    const names = ["new3", "ghost", "new599"]; // new3 is older than the 250 newest; ghost does not exist
    const pending = names.map(() => lookups.expect("srcN", NO_HOLD_TIMER));
    const [old, ghost, recent] = await Promise.all(names.map((name, i) => pending[i].find(name)));
    expect(old.exact.map((a) => a.id)).to.deep.equal(["n3"]);
    expect(ghost).to.deep.equal({ exact: [], otherCase: [] });
    expect(recent.exact.map((a) => a.id)).to.deep.equal(["n599"]);
    expect(listings).to.have.length(1);
    expect(exactLookups).to.deep.equal(["new3", "ghost"]);
  });

  it("does not wait longer than holdMs for a create still on its way", async () => {
    const lookups = createCreatedLookups(client, exactLookup);
    lookups.expect("srcN", 20); // still waiting for its task
    const found = await lookups.expect("srcN", 20).find("new599");
    expect(found.exact.map((a) => a.id)).to.deep.equal(["n599"]);
    expect(listings).to.have.length(1);
  });

  it("answers creates on two sources with one page of both sources' newest accounts", async () => {
    onSource.push(account("m1", "srcM", "new599", { created: new Date(Date.UTC(2026, 0, 2)).toISOString() }));
    const lookups = createCreatedLookups(client, exactLookup);
    const [onN, onM] = [lookups.expect("srcN", NO_HOLD_TIMER), lookups.expect("srcM", NO_HOLD_TIMER)];
    const [n, m] = await Promise.all([onN.find("new599"), onM.find("new599")]);
    expect([n.exact.map((a) => a.id), m.exact.map((a) => a.id)]).to.deep.equal([["n599"], ["m1"]]);
    expect(listings).to.have.length(1);
    expect(listings[0]).to.include({ filters: 'sourceId in ("srcN","srcM")', sorters: "-created" });
  });

  it("lets waiting lookups ride along in another lookup by nativeIdentity, with no page of their own", async () => {
    const lookups = createCreatedLookups(client, exactLookup);
    const [a, b, stillPosting] = [1, 2, 3].map(() => lookups.expect("srcN", NO_HOLD_TIMER));
    const found = Promise.all([a.find("new599"), b.find("new598")]);
    await settle();
    const riders = lookups.rideAlong();
    expect(riders?.keys).to.deep.equal([
      { sourceId: "srcN", nativeIdentity: "new599" },
      { sourceId: "srcN", nativeIdentity: "new598" },
    ]);
    expect(lookups.rideAlong(), "each waits for one ride").to.equal(undefined);
    riders?.answer(onSource.filter((x) => ["new599", "new598"].includes(x.nativeIdentity ?? "")));
    expect((await found).map((m) => m.exact[0].id)).to.deep.equal(["n599", "n598"]);
    stillPosting.release();
    await settle();
    expect(listings, "no page was read").to.have.length(0);
    expect(exactLookups).to.deep.equal([]);
  });

  it("a ride that failed hands the lookups back: they are answered by their own page", async () => {
    const lookups = createCreatedLookups(client, exactLookup);
    const [a, stillPosting] = [1, 2].map(() => lookups.expect("srcN", NO_HOLD_TIMER));
    const found = a.find("new599");
    await settle();
    lookups.rideAlong()?.giveBack();
    stillPosting.release();
    expect((await found).exact.map((x) => x.id)).to.deep.equal(["n599"]);
    expect(listings).to.have.length(1);
  });

  it("when its batch is due while a check before another create waits to be sent, waits to ride with it", async () => {
    let checkPending = true;
    const lookups = createCreatedLookups(client, exactLookup, () => checkPending);
    const found = lookups.expect("srcN", NO_HOLD_TIMER).find("new599");
    await settle();
    expect(listings, "no page of its own").to.have.length(0);
    // The check is sealed: it takes the waiting lookup along.
    checkPending = false;
    const riders = lookups.rideAlong();
    expect(riders?.keys).to.deep.equal([{ sourceId: "srcN", nativeIdentity: "new599" }]);
    riders?.answer(onSource.filter((x) => x.nativeIdentity === "new599"));
    expect((await found).exact.map((x) => x.id)).to.deep.equal(["n599"]);
    expect(listings).to.have.length(0);
  });
});
