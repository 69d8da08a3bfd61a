/**
 * Account data safety through the real @pulumi/pulumi plugin (issue 9): only an exact nativeIdentity
 * is ever taken over, every failure after a creating POST names the account and what the next `up`
 * does, and an interrupted create converges on the next `up` without hand edits or a duplicate.
 */
import { expect } from "chai";
import { DEMO_IDS } from "../../simulator/seed";
import type { SimulatorOptions } from "../../simulator/types";
import { startAccountStack, withAccountStack, type AccountStack } from "../support/account-stack";

const HR = DEMO_IDS.hrSource;
const ADA = DEMO_IDS.identities.adaLovelace;

function mutating(stack: AccountStack): string[] {
  return stack.sim
    .requests()
    .filter((r) => r.method !== "GET" && r.budget !== "oauth" && r.budget !== "admin")
    .map((r) => `${r.method} ${r.path}`);
}

function onSource(stack: AccountStack, nativeIdentity: string) {
  return stack.sim.admin.listAccounts(HR).filter((a) => a.nativeIdentity === nativeIdentity);
}

/** A stack whose simulator calls `hook.onRequest` with each access-log line, right after answering. */
async function hookedStack(
  options: SimulatorOptions = {},
): Promise<{ stack: AccountStack; hook: { onRequest: (line: string) => void } }> {
  const hook = { onRequest: (_line: string): void => undefined };
  const stack = await startAccountStack({ ...options, log: (line) => hook.onRequest(line) });
  return { stack, hook };
}

/** Waits (bounded) until the tenant holds the account: its create task runs on after the plugin is gone. */
async function untilStored(stack: AccountStack, nativeIdentity: string): Promise<void> {
  for (let i = 0; i < 200 && onSource(stack, nativeIdentity).length === 0; i++)
    await new Promise((r) => setTimeout(r, 50));
  expect(onSource(stack, nativeIdentity), `${nativeIdentity} stored on the tenant`).to.have.length(1);
}

const isCreatePost = (line: string) => / POST \/v3\/accounts (202|500) /.test(line);

describe("Account data safety through the real Pulumi plugin", function () {
  this.timeout(90_000);

  for (const nativeIdentityCase of ["sensitive", "insensitive"] as const) {
    describe(`exact nativeIdentity matching on a case-${nativeIdentityCase} tenant`, () => {
      let stack: AccountStack;
      withAccountStack((s) => (stack = s), { tenant: { nativeIdentityCase } }, "test");

      it(
        "does not take over E1001 for a definition of e1001 with adopt: true, so destroy cannot " + "delete it",
        async () => {
          const result = await stack.engine.up([
            stack.account("ada", { sourceId: HR, nativeIdentity: "e1001", adopt: true }),
          ]);
          expect(result.errors).to.have.length(1);
          const message = result.errors[0].message;
          expect(message)
            .to.contain('"E1001"')
            .and.contain(DEMO_IDS.accounts.hrAda)
            .and.contain('declare nativeIdentity: "E1001"');
          expect(message).to.contain("only in case");
          expect(stack.engine.state()).to.deep.equal([]);
          expect(mutating(stack)).to.deep.equal([]);
          expect((await stack.engine.destroy()).errors).to.deep.equal([]);
          expect(onSource(stack, "E1001").map((a) => a.id)).to.deep.equal([DEMO_IDS.accounts.hrAda]);
        },
      );

      it(
        'without adopt, refuses e1001 with the case-mismatch error, not a wrong "already exists", and ' +
          "sends nothing",
        async () => {
          const result = await stack.engine.up([stack.account("ada", { sourceId: HR, nativeIdentity: "e1001" })]);
          expect(result.errors).to.have.length(1);
          const message = result.errors[0].message;
          expect(message)
            .to.contain('declare nativeIdentity: "E1001" with adopt: true')
            .and.not.contain("already exists");
          expect(mutating(stack)).to.deep.equal([]);
          expect(
            stack.sim.admin
              .listAccounts(HR)
              .map((a) => a.nativeIdentity)
              .sort(),
          ).to.deep.equal(["E1001", "E1002"]);
        },
      );

      it("adopts the exact spelling E1001 and creates an unrelated account normally", async () => {
        const result = await stack.engine.up([
          stack.account("ada", { sourceId: HR, nativeIdentity: "E1001", adopt: true }),
          stack.account("new", { sourceId: HR, nativeIdentity: "E3001", attributes: { displayName: "New" } }),
        ]);
        expect(result.errors).to.deep.equal([]);
        expect(stack.engine.state().map((r) => r.id)).to.include(DEMO_IDS.accounts.hrAda);
        expect(onSource(stack, "E3001")).to.have.length(1);
      });
    });
  }

  describe("recovery after an interrupted create", () => {
    let stack: AccountStack;
    let hook: { onRequest: (line: string) => void };
    beforeEach(async () => {
      ({ stack, hook } = await hookedStack({ taskDelayMs: 300 }));
    });
    afterEach(async () => stack?.stop());

    const declared = {
      sourceId: HR,
      nativeIdentity: "E4001",
      attributes: { displayName: "Kay", email: "kay@example.com" },
      identityId: ADA,
    };

    it(
      "a plugin killed right after its creating POST: the next up adopts the account, with no duplicate and " +
        "no error",
      async () => {
        hook.onRequest = (line) => {
          if (isCreatePost(line)) process.kill(stack.plugin.pid, "SIGKILL");
        };
        const first = await stack.engine
          .up([stack.account("kay", declared)])
          .catch((err: unknown) => ({ thrown: err }));
        hook.onRequest = () => undefined;
        expect(stack.engine.state(), "nothing recorded by the killed run").to.deep.equal([]);
        expect(first).to.satisfy(
          (r: { errors?: unknown[]; thrown?: unknown }) => r.thrown !== undefined || (r.errors ?? []).length > 0,
        );

        await stack.nextCommand();
        // The create task completes on the tenant meanwhile: the account is there, uncorrelated, not in state.
        await untilStored(stack, "E4001");
        stack.sim.clearRequests();
        const second = await stack.engine.up([stack.account("kay", declared)]);
        expect(second.errors.map((e) => e.message)).to.deep.equal([]);
        expect(
          mutating(stack).filter((r) => r === "POST /v3/accounts"),
          "no second POST",
        ).to.deep.equal([]);
        const accounts = onSource(stack, "E4001");
        expect(accounts).to.have.length(1);
        expect(stack.engine.state()[0].id).to.equal(accounts[0].id);
        expect(accounts[0].identityId, "the rest of the create (correlation) was applied").to.equal(ADA);
      },
    );

    it("an account that exists exactly as declared (seeded) is adopted without adopt: true", async () => {
      const seeded = stack.sim.admin.createAccount({
        sourceId: HR,
        nativeIdentity: "E4001",
        attributes: declared.attributes,
        identityId: ADA,
      });
      const result = await stack.engine.up([stack.account("kay", declared)]);
      expect(result.errors).to.deep.equal([]);
      expect(stack.engine.state()[0].id).to.equal(seeded.id);
      expect(mutating(stack)).to.deep.equal([]);
    });

    it(
      'a pre-existing account that differs is still refused with "already exists ... set adopt: true", naming the ' +
        "difference",
      async () => {
        const seeded = stack.sim.admin.createAccount({
          sourceId: HR,
          nativeIdentity: "E4001",
          attributes: { ...declared.attributes, department: "Someone else's" },
        });
        const result = await stack.engine.up([stack.account("kay", declared)]);
        expect(result.errors).to.have.length(1);
        expect(result.errors[0].message)
          .to.contain("already exists")
          .and.contain(seeded.id)
          .and.contain("adopt: true")
          .and.contain("attributes department");
        expect(mutating(stack)).to.deep.equal([]);
        expect(stack.engine.state()).to.deep.equal([]);
      },
    );
  });

  describe("an account no create of ours could have left is never taken over without adopt", () => {
    let stack: AccountStack;
    withAccountStack((s) => (stack = s), {}, "test");

    it("refuses a manually correlated, locked account with the declared attributes (destroy leaves it)", async () => {
      const seeded = stack.sim.admin.createAccount({
        sourceId: HR,
        nativeIdentity: "E5001",
        attributes: { displayName: "Svc" },
        identityId: ADA,
        manuallyCorrelated: true,
        locked: true,
      });
      const result = await stack.engine.up([
        stack.account("svc", { sourceId: HR, nativeIdentity: "E5001", attributes: { displayName: "Svc" } }),
      ]);
      expect(result.errors).to.have.length(1);
      expect(result.errors[0].message)
        .to.contain("already exists")
        .and.contain(seeded.id)
        .and.contain("manually correlated")
        .and.contain("locked");
      expect(stack.engine.state()).to.deep.equal([]);
      expect(mutating(stack)).to.deep.equal([]);
      await stack.nextCommand();
      expect((await stack.engine.destroy()).errors).to.deep.equal([]);
      expect(onSource(stack, "E5001").map((a) => a.id)).to.deep.equal([seeded.id]);
    });
  });

  describe("a renamed Account resource keeps its account", () => {
    let stack: AccountStack;
    withAccountStack((s) => (stack = s), {}, "test");

    it("Pulumi creates the new resource (which takes the account over), then deletes the old: no DELETE", async () => {
      const inputs = { sourceId: HR, nativeIdentity: "E5101", attributes: { displayName: "Kay" } };
      expect((await stack.engine.up([stack.account("kay", inputs)])).errors).to.deep.equal([]);
      const [created] = onSource(stack, "E5101");
      await stack.nextCommand();
      stack.sim.clearRequests();
      // Renamed in the program, no alias: to Pulumi a new resource and one to delete (after the creates).
      const result = await stack.engine.up([stack.account("kay-renamed", inputs)]);
      expect(result.errors).to.deep.equal([]);
      expect(result.steps.map((s) => `${s.op} ${s.name}`)).to.deep.equal(["create kay-renamed", "delete kay"]);
      expect(mutating(stack)).to.deep.equal([]);
      expect(onSource(stack, "E5101").map((a) => a.id)).to.deep.equal([created.id]);
      expect(stack.engine.state().map((r) => `${r.name} ${r.id}`)).to.deep.equal([`kay-renamed ${created.id}`]);
      expect(stack.plugin.diagnostics().join("\n"))
        .to.contain(`account "E5101" (id ${created.id})`)
        .and.contain("not deleted: another Account resource of this stack took it over in this run");
      await stack.nextCommand();
      expect((await stack.engine.up([stack.account("kay-renamed", inputs)])).steps[0].op).to.equal("same");
    });
  });

  describe("failures after a creating POST name the account and what the next up does", () => {
    let stack: AccountStack;
    let hook: { onRequest: (line: string) => void };
    afterEach(async () => stack?.stop());

    it(
      "POST answered 500 after it was applied, then lookups failing 503: names the account; the next up " + "adopts it",
      async function () {
        this.timeout(150_000);
        ({ stack, hook } = await hookedStack({ faults: { errorAfterApplyRate: 1 } }));
        hook.onRequest = (line) => {
          if (isCreatePost(line)) stack.sim.setFaults({ errorAfterApplyRate: 0, errorRate: 1 });
        };
        const declared = { sourceId: HR, nativeIdentity: "E5001", attributes: { displayName: "Orphan?" } };
        const first = await stack.engine.up([stack.account("e5001", declared)]);
        hook.onRequest = () => undefined;
        expect(first.errors).to.have.length(1);
        const message = first.errors[0].message;
        expect(message)
          .to.contain('account "E5001" on source ' + HR)
          .and.contain("may have been applied")
          .and.contain('next "pulumi up"');
        expect(message).to.match(/looking it up failed: .*(500|503)/);
        expect(onSource(stack, "E5001"), "the POST was applied").to.have.length(1);

        stack.sim.resetFaults();
        await stack.nextCommand();
        stack.sim.clearRequests();
        const second = await stack.engine.up([stack.account("e5001", declared)]);
        expect(second.errors).to.deep.equal([]);
        expect(mutating(stack)).to.deep.equal([]);
        expect(onSource(stack, "E5001")).to.have.length(1);
      },
    );

    it(
      "a create task that outlives taskTimeoutSeconds warns that the account may still appear; the next up " +
        "adopts it",
      async () => {
        ({ stack, hook } = await hookedStack({ taskDelayMs: 2_500 }));
        const declared = {
          sourceId: HR,
          nativeIdentity: "E5002",
          attributes: { displayName: "Slow" },
          taskTimeoutSeconds: 1,
        };
        const first = await stack.engine.up([stack.account("e5002", declared)]);
        expect(first.errors).to.have.length(1);
        expect(first.errors[0].message)
          .to.contain('account "E5002" on source ' + HR)
          .and.contain("taskTimeoutSeconds")
          .and.contain("may still appear")
          .and.contain('next "pulumi up"');
        await stack.nextCommand();
        await untilStored(stack, "E5002");
        stack.sim.clearRequests();
        const second = await stack.engine.up([stack.account("e5002", { ...declared, taskTimeoutSeconds: 10 })]);
        expect(second.errors).to.deep.equal([]);
        expect(mutating(stack).filter((r) => r === "POST /v3/accounts")).to.deep.equal([]);
        expect(onSource(stack, "E5002")).to.have.length(1);
      },
    );

    it(
      "the tenant stopping while the create task runs (ECONNREFUSED) names the account and says the create may " +
        "have been applied",
      async function () {
        this.timeout(150_000);
        ({ stack, hook } = await hookedStack({ taskDelayMs: 300 }));
        hook.onRequest = (line) => {
          if (isCreatePost(line)) void stack.sim.stop();
        };
        const first = await stack.engine.up([
          stack.account("e5003", { sourceId: HR, nativeIdentity: "E5003", taskTimeoutSeconds: 5 }),
        ]);
        expect(first.errors).to.have.length(1);
        expect(first.errors[0].message)
          .to.contain('account "E5003" on source ' + HR)
          .and.contain("may have been applied")
          .and.contain('next "pulumi up"');
      },
    );
  });

  describe("on a tenant that does not merge creates (duplicateCreates)", () => {
    let stack: AccountStack;
    withAccountStack((s) => (stack = s), { tenant: { duplicateCreates: true } }, "test");

    it(
      "two resources declaring one account in a run send one POST, and the second is told to " + "declare it once",
      async () => {
        const inputs = { sourceId: HR, nativeIdentity: "E6001", attributes: { displayName: "Twice" } };
        const result = await stack.engine.up([stack.account("one", inputs), stack.account("two", inputs)]);
        expect(mutating(stack).filter((r) => r === "POST /v3/accounts")).to.have.length(1);
        expect(onSource(stack, "E6001")).to.have.length(1);
        expect(result.errors).to.have.length(1);
        expect(result.errors[0].message).to.contain("declare each account once");
      },
    );

    it("refuses to adopt or create where the source already holds duplicates, naming both ids", async () => {
      const extra = stack.sim.admin.createAccount({ sourceId: HR, nativeIdentity: "E1001" });
      const result = await stack.engine.up([
        stack.account("ada", { sourceId: HR, nativeIdentity: "E1001", adopt: true }),
      ]);
      expect(result.errors).to.have.length(1);
      expect(result.errors[0].message).to.contain(DEMO_IDS.accounts.hrAda).and.contain(extra.id);
      expect(mutating(stack)).to.deep.equal([]);
    });
  });
});
