/**
 * What a stack of many accounts costs through the real plugin at a Pulumi-like --parallel: the
 * request counts a user pays against ISC's budget of 100 per 10 s.
 */
import { expect } from "chai";
import { DEMO_IDS } from "../../simulator/seed";
import { startAccountStack, type AccountStack } from "../support/account-stack";

const SOURCES = [DEMO_IDS.hrSource, DEMO_IDS.contractorsSource];
const COUNT = 80;

function accountsListed(stack: AccountStack): string[] {
  return stack.sim
    .requests()
    .filter((r) => r.method === "GET" && r.path === "/v3/accounts")
    .map((r) => r.query.filters ?? "");
}

describe("many accounts through the real plugin (--parallel 8)", function () {
  this.timeout(120_000);
  let stack: AccountStack;
  const declared = () =>
    Array.from({ length: COUNT }, (_v, i) =>
      stack.account(`scale-${i}`, {
        sourceId: SOURCES[i % 2],
        nativeIdentity: `scale.${i}`,
        attributes: { email: `scale.${i}@example.com` },
      }),
    );

  before(async () => {
    stack = await startAccountStack({}, 8);
    const created = await stack.engine.up(declared());
    expect(created.errors).to.deep.equal([]);
  });
  after(async () => stack?.stop());

  it(
    `creates ${COUNT} accounts reading each source's listing once (presence and case variants), ` +
      `absence confirmed by lookups by nativeIdentity`,
    () => {
      // (checked on the create above) the listing pages of two small sources, plus the shared post-create lookups
      const filters = accountsListed(stack);
      const listings = filters.filter((f) => /^sourceId eq "[0-9a-f]+"$/.test(f));
      const lookups = filters.filter((f) => f.includes("nativeIdentity in"));
      expect(listings.length, "listing pages").to.be.within(2, 4);
      // The engine checks one resource at a time and starts each create as soon as it is checked, so creates finish
      // spread out and their post-create lookups coalesce less than if all started at once (measured: 60 of 80).
      expect(lookups.length, "nativeIdentity lookups (post-create only)").to.be.at.most(COUNT);
    },
  );

  it(
    `refreshes ${COUNT} accounts with one listing page per source (by id at --parallel 8 would be ${COUNT / 8} ` +
      `calls or more)`,
    async () => {
      await stack.nextCommand();
      stack.sim.clearRequests();
      const refresh = await stack.engine.refresh();
      expect(refresh.errors).to.deep.equal([]);
      expect(refresh.steps.filter((s) => s.op === "same")).to.have.length(COUNT);
      const filters = accountsListed(stack);
      expect(
        filters.filter((f) => /^sourceId eq/.test(f)),
        "listing pages",
      ).to.have.length(2);
      expect(filters, "no other account reads").to.have.length(2);
    },
  );

  it("still sees an account changed out of band since the previous refresh, and one deleted out of band", async () => {
    const [changed, deleted] = stack.engine.state().slice(0, 2);
    stack.sim.admin.updateAccount(changed.id, { attributes: { email: "changed@example.com" } });
    stack.sim.admin.deleteAccount(deleted.id);
    await stack.nextCommand();
    const refresh = await stack.engine.refresh();
    const op = (name: string) => refresh.steps.find((s) => s.name === name)?.op;
    expect(op(changed.name)).to.equal("update");
    expect(op(deleted.name)).to.equal("delete");
    expect(refresh.steps.filter((s) => s.op === "same")).to.have.length(COUNT - 2);
  });
});
