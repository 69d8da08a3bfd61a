/**
 * Takeovers, deletes and creates that must never touch an account the stack does not hold: the Account
 * provider called in-process against the simulator. Each scenario failed before the fix named in its test.
 * The provider module remembers accounts claimed in the process, so each test uses accounts no other test used.
 */
import { expect } from "chai";
import * as sinon from "sinon";
import { provider } from "../../../../provider/resources/account/provider";
import { resetProviderRuntime } from "../../../../provider/resources/shared/runtime";
import { startSimulator, type RunningSimulator, type SimulatorOptions } from "../../../../simulator";
import { DEMO_IDS } from "../../../../simulator/seed";

const HR = DEMO_IDS.hrSource;
const FAST = { taskTimeoutSeconds: 2, pollIntervalMs: 50 };

async function configured(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({ port: 0, taskDelayMs: 20, ...options });
  resetProviderRuntime();
  const [client] = sim.clients;
  const values: Record<string, string> = {
    "isc:baseUrl": sim.url,
    "isc:clientId": client.clientId,
    "isc:clientSecret": client.clientSecret,
  };
  await provider.configure!({ config: { get: (key) => values[key], require: (key) => values[key] } });
  return sim;
}

function posts(sim: RunningSimulator): number {
  return sim.requests().filter((r) => r.method === "POST" && /\/accounts$/.test(r.path)).length;
}

describe("Account provider: takeovers and deletes touch only what the stack holds", function () {
  this.timeout(60_000);
  let sim: RunningSimulator | undefined;
  afterEach(async () => {
    resetProviderRuntime();
    await sim?.stop();
    sim = undefined;
  });

  it("takes over with adopt from what the account holds now, not from an earlier read-ahead listing", async () => {
    sim = await configured();
    // Another create of the run lists the source (read-ahead for the checks before creates).
    await provider.create({ sourceId: HR, nativeIdentity: "E8001", attributes: { displayName: "New" }, ...FAST });
    // Meanwhile someone (an admin, an aggregation) changes an attribute this stack does not manage.
    sim.admin.updateAccount(DEMO_IDS.accounts.hrGrace, { attributes: { department: "Moved" } });
    // A later create in the same `up` adopts E1002, managing displayName only.
    await provider.create({
      sourceId: HR,
      nativeIdentity: "E1002",
      adopt: true,
      attributes: { displayName: "Grace H." },
      ...FAST,
    });
    const grace = sim.admin.getAccount(DEMO_IDS.accounts.hrGrace)!;
    expect(grace.attributes?.displayName).to.equal("Grace H.");
    expect(grace.attributes?.department, "an unmanaged attribute is left as it is").to.equal("Moved");
  });

  it("without adopt, refuses an account changed since a listing showed it as our create leaves it", async () => {
    sim = await configured();
    const declared = { sourceId: HR, nativeIdentity: "E8100", attributes: { displayName: "Svc" } };
    // Exactly what our own create would leave: adoptable as an interrupted create.
    const seeded = sim.admin.createAccount({
      sourceId: HR,
      nativeIdentity: "E8100",
      attributes: { displayName: "Svc" },
    });
    await provider.create({ sourceId: HR, nativeIdentity: "E8001", attributes: { displayName: "New" }, ...FAST });
    // Someone correlates it by hand: it is no longer something our create could have left.
    sim.admin.updateAccount(seeded.id, { identityId: DEMO_IDS.identities.alanTuring, manuallyCorrelated: true });
    let error: unknown;
    try {
      await provider.create({ ...declared, ...FAST });
    } catch (err) {
      error = err;
    }
    expect(String(error), "refused, as README 'Existing accounts' promises").to.contain(
      "differs from this declaration",
    );
  });

  it("never deletes an account another resource took over in the run (a renamed resource), and says so", async () => {
    sim = await configured();
    const declared = { sourceId: HR, nativeIdentity: "E8200", attributes: { displayName: "Kay" }, ...FAST };
    // A previous `up` (another plugin process) created it for resource "kay": as its create left it.
    const seeded = sim.admin.createAccount({
      sourceId: HR,
      nativeIdentity: "E8200",
      attributes: { displayName: "Kay" },
    });
    const first = { id: seeded.id };
    const oldOutputs = { accountId: seeded.id, sourceId: HR, nativeIdentity: "E8200", ...FAST };
    // This `up`: the program renamed the resource "kay" -> "kay-renamed" (no alias); Pulumi creates the new one first.
    const renamed = await provider.create(declared); // adopted as an "interrupted create"
    expect(renamed.id).to.equal(first.id);
    expect(posts(sim)).to.equal(0);
    // Pulumi then deletes the old resource "kay".
    let error: unknown;
    const told: string[] = [];
    const stderr = sinon.stub(process.stderr, "write").callsFake((line) => told.push(String(line)) > 0);
    try {
      await provider.delete!(first.id, oldOutputs).catch((err: unknown) => (error = err));
    } finally {
      stderr.restore();
    }
    const left = sim.admin.listAccounts(HR).filter((a) => a.nativeIdentity === "E8200");
    expect(
      left.map((a) => a.id),
      `the account "kay-renamed" manages survives (delete error: ${String(error)})`,
    ).to.deep.equal([first.id]);
    expect(told.join("")).to.contain(`account "E8200" (id ${first.id})`).and.contain("not deleted");
  });

  it("after its own delete, asks ISC for the name, never taking absence from a listing", async () => {
    sim = await configured();
    const hex = (n: number, lead: string) => lead + n.toString(16).padStart(31, "0");
    // Ours: "jdoe" (id sorts first). Someone else's: "JDoe" (case-sensitive tenant), beyond the first page by id.
    const mine = sim.admin.createAccount({
      id: hex(1, "0"),
      sourceId: HR,
      nativeIdentity: "jdoe",
      attributes: { displayName: "J" },
    });
    for (let i = 0; i < 260; i++)
      sim.admin.createAccount({
        id: hex(i, "1"),
        sourceId: HR,
        nativeIdentity: `F${i}`,
        attributes: { displayName: "f" },
      });
    const theirs = sim.admin.createAccount({
      id: hex(1, "f"),
      sourceId: HR,
      nativeIdentity: "JDoe",
      attributes: { displayName: "Somebody Else", department: "Theirs" },
    });
    // ISC lists a deleted account for a moment.
    sim.setFaults({ visibilityDelayMs: 30_000 });
    // nativeIdentity "jdoe" -> "JDoe": a replacement, old one deleted first (deleteBeforeReplace).
    await provider.delete!(mine.id, { accountId: mine.id, sourceId: HR, nativeIdentity: "jdoe", ...FAST });
    sim.clearRequests();
    let error: unknown;
    await provider
      .create({ sourceId: HR, nativeIdentity: "JDoe", attributes: { displayName: "J" }, ...FAST })
      .catch((err: unknown) => (error = err));
    const lookups = sim
      .requests()
      .filter((r) => r.method === "GET" && r.path.endsWith("/accounts"))
      .map((r) => r.query.filters + (r.query.offset ? ` @${r.query.offset}` : ""));
    expect(
      sim.admin.getAccount(theirs.id)!.attributes?.displayName,
      `someone else's JDoe left alone (error: ${String(error)}; lookups: ${JSON.stringify(lookups)})`,
    ).to.equal("Somebody Else");
  });

  it("refuses the second of two resources whose names differ only in case, created together: one POST", async () => {
    sim = await configured({ tenant: { nativeIdentityCase: "insensitive" } });
    const results = await Promise.allSettled([
      provider.create({ sourceId: HR, nativeIdentity: "jdoe", attributes: { displayName: "One" }, ...FAST }),
      provider.create({ sourceId: HR, nativeIdentity: "JDoe", attributes: { displayName: "Two" }, ...FAST }),
    ]);
    const summary = results.map((r) => (r.status === "fulfilled" ? `ok ${r.value.id}` : String(r.reason)));
    // Sequentially the second is refused before any POST (case variant); together they must not both write.
    expect(posts(sim), JSON.stringify(summary)).to.equal(1);
  });

  it("uncorrelates a manually correlated account, not waiting on manuallyCorrelated (ISC may change it)", async () => {
    sim = await configured();
    const id = DEMO_IDS.accounts.hrAda;
    sim.admin.updateAccount(id, { manuallyCorrelated: true });
    const inputs = { sourceId: HR, nativeIdentity: "E1001", ...FAST };
    const olds = (
      await provider.read!(id, { accountId: id, sourceId: HR, nativeIdentity: "E1001", attributes: {}, ...FAST })
    ).props as Record<string, unknown>;
    let error: string | undefined;
    await provider.update!(id, olds, { ...inputs, identityId: null }).catch((err: Error) => (error = err.message));
    expect(sim.admin.getAccount(id)!.identityId ?? null, "the PATCH itself was applied").to.equal(null);
    expect(error).to.equal(undefined);
  });

  it("takes over both kdoe and KDoe of a case-sensitive tenant, declared together, as if one by one", async () => {
    sim = await configured();
    sim.admin.createAccount({ sourceId: HR, nativeIdentity: "kdoe", attributes: { displayName: "K one" } });
    sim.admin.createAccount({ sourceId: HR, nativeIdentity: "KDoe", attributes: { displayName: "K two" } });
    const results = await Promise.allSettled(
      ["kdoe", "KDoe"].map((nativeIdentity) =>
        provider.create({ sourceId: HR, nativeIdentity, adopt: true, attributes: {}, ...FAST }),
      ),
    );
    const summary = results.map((r) => (r.status === "fulfilled" ? `ok ${r.value.id}` : String(r.reason)));
    expect(
      summary.filter((s) => s.startsWith("ok")),
      JSON.stringify(summary),
    ).to.have.lengthOf(2);
    expect(posts(sim)).to.equal(0);
  });

  it("uncorrelates with manuallyCorrelated: true declared (as it already is) in one up", async () => {
    sim = await configured();
    const id = DEMO_IDS.accounts.hrAda;
    sim.admin.updateAccount(id, { manuallyCorrelated: true });
    const olds = (
      await provider.read!(id, { accountId: id, sourceId: HR, nativeIdentity: "E1001", attributes: {}, ...FAST })
    ).props as Record<string, unknown>;
    let error: string | undefined;
    const news = { sourceId: HR, nativeIdentity: "E1001", identityId: null, manuallyCorrelated: true, ...FAST };
    await provider.update!(id, olds, news).catch((err: Error) => (error = err.message));
    const account = sim.admin.getAccount(id)!;
    expect({ error, identityId: account.identityId ?? null, manual: account.manuallyCorrelated }).to.deep.equal({
      error: undefined,
      identityId: null,
      manual: true,
    });
  });

  describe("the same scenarios without a read-ahead listing", () => {
    it("adopt without an earlier listing keeps the unmanaged attribute", async () => {
      sim = await configured();
      // (A fresh account: the provider module remembers accounts claimed by earlier tests of this process.)
      const other = sim.admin.createAccount({
        sourceId: HR,
        nativeIdentity: "E8300",
        attributes: { displayName: "G", department: "Research" },
      });
      sim.admin.updateAccount(other.id, { attributes: { department: "Moved" } });
      await provider.create({
        sourceId: HR,
        nativeIdentity: "E8300",
        adopt: true,
        attributes: { displayName: "Grace H." },
        ...FAST,
      });
      expect(sim.admin.getAccount(other.id)!.attributes?.department).to.equal("Moved");
    });
    it("without an earlier listing, a manually correlated look-alike is refused", async () => {
      sim = await configured();
      const seeded = sim.admin.createAccount({
        sourceId: HR,
        nativeIdentity: "E8100",
        attributes: { displayName: "Svc" },
      });
      sim.admin.updateAccount(seeded.id, { identityId: DEMO_IDS.identities.alanTuring, manuallyCorrelated: true });
      let error: unknown;
      await provider
        .create({ sourceId: HR, nativeIdentity: "E8100", attributes: { displayName: "Svc" }, ...FAST })
        .catch((e: unknown) => (error = e));
      expect(String(error)).to.contain("differs from this declaration");
    });
  });
});
