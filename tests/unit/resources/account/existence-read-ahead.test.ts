import { expect } from "chai";
import type { Account } from "../../../../provider/client/types";
import { createExistenceReadAhead } from "../../../../provider/resources/account/existence-read-ahead";
import { iscAccount as account } from "../../../support/accounts";

/**
 * The read-ahead for the checks before creates, against a stub lookup and a stepped clock: what each
 * check is answered from, and how many lookups a run of creates costs.
 */
describe("existence checks before creates, read ahead (existence-read-ahead)", () => {
  let onSource: Account[];
  let lookups: string[][];
  let clock: number;
  let failNext: Error | undefined;
  /** While set, lookups are held until it resolves. */
  let gate: Promise<void> | undefined;
  const lookup = async (sourceIds: readonly string[], names: readonly string[]) => {
    lookups.push([...names]);
    await gate;
    if (failNext) {
      const err = failNext;
      failNext = undefined;
      throw err;
    }
    return onSource.filter((a) => sourceIds.includes(a.sourceId ?? "") && names.includes(a.nativeIdentity ?? ""));
  };
  const readAhead = (options: { minAhead?: number; maxAhead?: number } = {}) =>
    createExistenceReadAhead(lookup, { freshMs: 10_000, now: () => clock, ...options });
  const key = (name: string) => ({ sourceId: "srcA", nativeIdentity: name });
  const names = (n: number) => Array.from({ length: n }, (_, i) => `new${i}`);

  beforeEach(() => {
    onSource = [account("a1", "srcA", "taken")];
    lookups = [];
    clock = 1_000_000;
    failNext = undefined;
    gate = undefined;
  });
  /** Holds lookups until the returned function is called. */
  const holdLookups = () => {
    let open = () => undefined as void;
    gate = new Promise<void>((resolve) => (open = resolve));
    return open;
  };
  const untilSent = async (count: number) => {
    while (lookups.length < count) await new Promise((resolve) => setImmediate(resolve));
  };

  it("asks for the next names Check expects along with the first check, and answers their checks from it", async () => {
    const ahead = readAhead({ minAhead: 8 });
    for (const name of names(20)) ahead.expect(key(name));
    for (const name of names(9)) expect(await ahead.begin(key(name))()).to.deep.equal({ exact: [], otherCase: [] });
    expect(lookups, "one lookup: new0 and the 8 names expected next").to.deep.equal([names(9)]);
  });

  it("paces the read-ahead by the checks of the last moments: 200 creates at 20/s in a few lookups", async () => {
    const ahead = readAhead({ minAhead: 8, maxAhead: 200 });
    for (const name of names(200)) ahead.expect(key(name));
    for (const name of names(200)) {
      await ahead.begin(key(name))();
      clock += 50;
    }
    // At 20 a second, half of 10 s is 100 names a lookup once the pace is known (the old checks: one lookup each).
    expect(lookups.length).to.be.within(2, 6);
    expect(lookups.flat()).to.have.length(200);
  });

  it("never uses an answer older than freshMs: that check asks ISC again", async () => {
    const ahead = readAhead({ minAhead: 4 });
    for (const name of names(5)) ahead.expect(key(name));
    await ahead.begin(key("new0"))();
    clock += 10_001;
    onSource.push(account("b4", "srcA", "new4")); // someone created it since the read-ahead
    const matches = await ahead.begin(key("new4"))();
    expect(matches.exact.map((a) => a.id)).to.deep.equal(["b4"]);
    expect(lookups).to.deep.equal([names(5), ["new4"]]);
  });

  it("keeps only absence: a name found present is looked up again by its own check, as it is then", async () => {
    const ahead = readAhead({ minAhead: 4 });
    for (const name of ["new0", "taken", "new2"]) ahead.expect(key(name));
    await ahead.begin(key("new0"))();
    onSource = onSource.filter((a) => a.nativeIdentity !== "taken"); // deleted since
    expect(await ahead.begin(key("taken"))()).to.deep.equal({ exact: [], otherCase: [] });
    expect(lookups).to.deep.equal([["new0", "taken", "new2"], ["taken"]]);
  });

  it("hands out an answer read ahead once: a second check of the same name asks ISC", async () => {
    const ahead = readAhead({ minAhead: 4 });
    for (const name of names(3)) ahead.expect(key(name));
    await ahead.begin(key("new0"))();
    await ahead.begin(key("new1"))();
    await ahead.begin(key("new1"))();
    expect(lookups).to.deep.equal([names(3), ["new1"]]);
  });

  it("a check whose name is in a lookup still in flight waits for that lookup instead of sending another", async () => {
    const ahead = readAhead({ minAhead: 4 });
    for (const name of names(3)) ahead.expect(key(name));
    const open = holdLookups();
    const first = ahead.begin(key("new0"))();
    await untilSent(1);
    const second = ahead.begin(key("new2"))();
    open();
    expect(await second).to.deep.equal({ exact: [], otherCase: [] });
    await first;
    expect(lookups).to.deep.equal([names(3)]);
  });

  it("a failed lookup fails the checks that wait on it, with its error; no unhandled rejection", async () => {
    const ahead = readAhead({ minAhead: 4 });
    for (const name of names(3)) ahead.expect(key(name));
    const open = holdLookups();
    failNext = new Error("ISC GET /v3/accounts failed with 503");
    const first = ahead
      .begin(key("new0"))()
      .catch((err: Error) => err);
    await untilSent(1);
    const second = ahead
      .begin(key("new2"))()
      .catch((err: Error) => err);
    open();
    for (const outcome of await Promise.all([first, second])) {
      expect(outcome).to.be.instanceOf(Error);
      expect((outcome as Error).message).to.contain("503");
    }
    // new1 was read ahead in the failed lookup too: nobody waited on it, and its own check asks again.
    expect(await ahead.begin(key("new1"))()).to.deep.equal({ exact: [], otherCase: [] });
    expect(lookups).to.deep.equal([names(3), ["new1"]]);
  });

  it("reads nothing ahead for a source Check expected nothing of", async () => {
    const ahead = readAhead({ minAhead: 4 });
    ahead.expect({ sourceId: "srcB", nativeIdentity: "other" });
    await ahead.begin(key("new0"))();
    expect(lookups).to.deep.equal([["new0"]]);
  });

  it("gives nothing read ahead to a second check of a name: another resource declaring it too", async () => {
    const ahead = readAhead({ minAhead: 4 });
    for (const name of ["first", "x", "y"]) ahead.expect(key(name));
    await ahead.begin(key("x"))(); // resource A checks x (first, y ride along)
    ahead.expect(key("x")); // resource B, declaring x too, is checked later
    await ahead.begin(key("first"))();
    onSource.push(account("ax", "srcA", "x")); // A's create made it
    const second = await ahead.begin(key("x"))();
    expect(second.exact.map((a) => a.id)).to.deep.equal(["ax"]);
    expect(lookups).to.deep.equal([["x", "first", "y"], ["x"]]);
  });

  it("gives nothing read ahead to a name in another case once one spelling's check began", async () => {
    const ahead = readAhead({ minAhead: 4 });
    for (const name of ["first", "Bob", "bob"]) ahead.expect(key(name));
    await ahead.begin(key("first"))();
    await ahead.begin(key("Bob"))();
    await ahead.begin(key("bob"))();
    expect(lookups).to.deep.equal([["first", "Bob", "bob"], ["Bob"], ["bob"]]);
  });

  it("a check the source's listing answered still claims its name: the next check asks ISC", async () => {
    const ahead = readAhead({ minAhead: 4 });
    for (const name of ["first", "x"]) ahead.expect(key(name));
    await ahead.begin(key("first"))();
    ahead.begin(key("x")); // answered from the listing: its lookup never runs
    await ahead.begin(key("x"))();
    expect(lookups).to.deep.equal([["first", "x"], ["x"]]);
  });

  it("does not use a read-ahead answer that comes back older than freshMs (held by a 429, say)", async () => {
    const ahead = readAhead({ minAhead: 4 });
    for (const name of ["a", "b"]) ahead.expect(key(name));
    const open = holdLookups();
    const first = ahead.begin(key("a"))();
    await untilSent(1);
    const checkB = ahead.begin(key("b"));
    clock += 10_001;
    open();
    await first;
    await checkB();
    expect(lookups).to.deep.equal([["a", "b"], ["b"]]);
  });
});
