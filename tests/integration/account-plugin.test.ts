/**
 * The Account resource end to end: the real @pulumi/pulumi dynamic-provider plugin over gRPC, driven
 * like `pulumi up / refresh / destroy`, against the ISC simulator.
 */
import { expect } from "chai";
import { surfacesQuoting, tenantSecrets } from "../../scripts/lib/failures";
import { DEMO_IDS } from "../../simulator/seed";
import { withAccountStack, type AccountStack } from "../support/account-stack";

const HR = DEMO_IDS.hrSource;
const CONTRACTORS = DEMO_IDS.contractorsSource;
const ADA = DEMO_IDS.identities.adaLovelace;
const ALAN = DEMO_IDS.identities.alanTuring;

function mutating(stack: AccountStack): string[] {
  return stack.sim
    .requests()
    .filter((r) => r.method !== "GET" && r.budget !== "oauth" && r.budget !== "admin")
    .map((r) => `${r.method} ${r.path}`);
}

function onSource(stack: AccountStack, sourceId: string, nativeIdentity: string) {
  return stack.sim.admin.listAccounts(sourceId).filter((a) => a.nativeIdentity === nativeIdentity);
}

describe("Account through the real Pulumi plugin", function () {
  this.timeout(60_000);

  describe("a whole lifecycle", () => {
    let stack: AccountStack;
    withAccountStack((s) => (stack = s));

    const base = {
      sourceId: HR,
      nativeIdentity: "E7001",
      attributes: { displayName: "Test User", email: "test@example.com", groups: ["vpn", "engineering"] },
    };

    it("creates the account with one POST and waits for its task", async () => {
      const result = await stack.engine.up([stack.account("e7001", base)]);
      expect(result.errors).to.deep.equal([]);
      expect(result.steps.map((s) => s.op)).to.deep.equal(["create"]);
      const [account] = onSource(stack, HR, "E7001");
      expect(account.attributes).to.include({ displayName: "Test User", email: "test@example.com", id: "E7001" });
      expect(mutating(stack).filter((r) => r.startsWith("POST /v3/accounts"))).to.have.length(1);
      const [state] = stack.engine.state();
      expect(state.id).to.equal(account.id);
      expect(state.outputs).to.include({
        accountId: account.id,
        enabled: true,
        disabled: false,
        sourceName: "HR Flat File",
      });
      expect(state.outputs.attributes).to.deep.equal({
        displayName: "Test User",
        email: "test@example.com",
        groups: ["engineering", "vpn"],
      });
      expect(state.outputs).to.not.have.property("modified");
    });

    it("plans nothing on a second up and makes no write", async () => {
      stack.sim.clearRequests();
      const result = await stack.engine.up([
        stack.account("e7001", { ...base, attributes: { ...base.attributes, groups: ["engineering", "vpn"] } }),
      ]);
      expect(result.steps.map((s) => s.op)).to.deep.equal(["same"]);
      expect(mutating(stack)).to.deep.equal([]);
    });

    it("shows no change on a refresh right after up", async () => {
      const refresh = await stack.engine.refresh();
      expect(refresh.errors).to.deep.equal([]);
      expect(refresh.steps.map((s) => s.op)).to.deep.equal(["same"]);
    });

    it("updates an attribute with one PUT", async () => {
      stack.sim.clearRequests();
      const result = await stack.engine.up([
        stack.account("e7001", { ...base, attributes: { ...base.attributes, email: "new@example.com" } }),
      ]);
      expect(result.steps.map((s) => s.op)).to.deep.equal(["update"]);
      expect(mutating(stack)).to.have.length(1);
      expect(mutating(stack)[0]).to.match(/^PUT \/v3\/accounts\//);
      expect(onSource(stack, HR, "E7001")[0].attributes?.email).to.equal("new@example.com");
    });

    it("correlates with a JSON Patch and disables with one call", async () => {
      stack.sim.clearRequests();
      const inputs = {
        ...base,
        attributes: { ...base.attributes, email: "new@example.com" },
        identityId: ADA,
        enabled: false,
      };
      const result = await stack.engine.up([stack.account("e7001", inputs)]);
      expect(result.errors).to.deep.equal([]);
      expect(mutating(stack).map((r) => r.split(" ")[0] + " " + r.split("/").pop())).to.deep.equal([
        `PATCH ${stack.engine.state()[0].id}`,
        "POST disable",
      ]);
      const [account] = onSource(stack, HR, "E7001");
      expect(account.identityId).to.equal(ADA);
      expect(account.manuallyCorrelated).to.equal(true);
      expect(account.disabled).to.equal(true);
      expect((await stack.engine.up([stack.account("e7001", inputs)])).steps[0].op).to.equal("same");
    });

    it("sees an out-of-band change on refresh and reverts it on the next up", async () => {
      const id = stack.engine.state()[0].id;
      stack.sim.admin.updateAccount(id, { attributes: { email: "changed-in-ui@example.com" }, disabled: false });
      const refresh = await stack.engine.refresh();
      expect(refresh.steps.map((s) => s.op)).to.deep.equal(["update"]);
      expect(stack.engine.state()[0].outputs).to.deep.include({ enabled: true });
      const inputs = {
        ...base,
        attributes: { ...base.attributes, email: "new@example.com" },
        identityId: ADA,
        enabled: false,
      };
      const preview = await stack.engine.preview([stack.account("e7001", inputs)]);
      expect(preview.map((s) => s.op)).to.deep.equal(["update"]);
      const up = await stack.engine.up([stack.account("e7001", inputs)]);
      expect(up.errors).to.deep.equal([]);
      const [account] = onSource(stack, HR, "E7001");
      expect(account.attributes?.email).to.equal("new@example.com");
      expect(account.disabled).to.equal(true);
    });

    it("replaces on a nativeIdentity change, deleting the old account first", async () => {
      stack.sim.clearRequests();
      const oldId = stack.engine.state()[0].id;
      const result = await stack.engine.up([
        stack.account("e7001", { ...base, nativeIdentity: "E7002", attributes: { displayName: "Renamed" } }),
      ]);
      expect(result.errors).to.deep.equal([]);
      expect(result.steps.map((s) => s.op)).to.deep.equal(["replace"]);
      const writes = mutating(stack);
      expect(writes.findIndex((w) => w === `DELETE /v3/accounts/${oldId}`)).to.be.lessThan(
        writes.findIndex((w) => w === "POST /v3/accounts"),
      );
      expect(onSource(stack, HR, "E7002")).to.have.length(1);
    });

    it("deletes the account on destroy", async () => {
      // `pulumi destroy` is a command of its own, with a fresh plugin (what an `up` took over is its own business).
      await stack.nextCommand();
      const result = await stack.engine.destroy();
      expect(result.errors).to.deep.equal([]);
      expect(stack.engine.state()).to.deep.equal([]);
      // ISC may still list a deleted account for a moment; the simulator has no delay configured here.
      expect(onSource(stack, HR, "E7002")).to.have.length(0);
    });
  });

  describe("existing accounts, consistency and failures", () => {
    let stack: AccountStack;
    withAccountStack((s) => (stack = s), {}, "test");

    it("refuses to take over an existing account without adopt, naming it", async () => {
      const result = await stack.engine.up([stack.account("ada", { sourceId: HR, nativeIdentity: "E1001" })]);
      expect(result.errors).to.have.length(1);
      expect(result.errors[0].message).to.contain(DEMO_IDS.accounts.hrAda).and.contain("adopt: true");
      expect(mutating(stack)).to.deep.equal([]);
    });

    it("adopts an existing account and converges it without creating another", async () => {
      const result = await stack.engine.up([
        stack.account("ada", {
          sourceId: HR,
          nativeIdentity: "E1001",
          adopt: true,
          attributes: { department: "Analytical Engines" },
        }),
      ]);
      expect(result.errors).to.deep.equal([]);
      expect(stack.engine.state()[0].id).to.equal(DEMO_IDS.accounts.hrAda);
      expect(mutating(stack).map((r) => r.split(" ")[0])).to.deep.equal(["PUT"]);
      expect(onSource(stack, HR, "E1001")).to.have.length(1);
      expect(onSource(stack, HR, "E1001")[0].attributes?.department).to.equal("Analytical Engines");
      // Attributes not declared are left as they were.
      expect(onSource(stack, HR, "E1001")[0].attributes?.email).to.equal("ada@example.com");
    });

    it("finds an account that becomes visible only a while after its create task", async () => {
      stack.sim.setFaults({ visibilityDelayMs: 1500 });
      const result = await stack.engine.up([
        stack.account("late", { sourceId: CONTRACTORS, nativeIdentity: "late.one", identityId: ALAN }),
      ]);
      expect(result.errors).to.deep.equal([]);
      expect(mutating(stack).filter((r) => r === "POST /v3/accounts")).to.have.length(1);
      expect(onSource(stack, CONTRACTORS, "late.one")[0].identityId).to.equal(ALAN);
    });

    it("surfaces a failed task with ISC's messages and the task id, and records nothing", async () => {
      stack.sim.setFaults({ failTasksMatching: "doomed" });
      const result = await stack.engine.up([stack.account("doomed", { sourceId: HR, nativeIdentity: "doomed" })]);
      expect(result.errors).to.have.length(1);
      const message = result.errors[0].message;
      expect(message)
        .to.match(/task [0-9a-f]{32}/i)
        .and.match(/ERROR/);
      expect(message).to.contain("Nothing was created");
      expect(stack.engine.state()).to.deep.equal([]);
    });

    it("reports a half-applied create with the account id, and the next up converges without a duplicate", async () => {
      // The create task succeeds; the follow-up disable task fails.
      stack.sim.setFaults({ failTasksMatching: "disable halfway" });
      const inputs = { sourceId: HR, nativeIdentity: "halfway", enabled: false };
      const first = await stack.engine.up([stack.account("halfway", inputs)]);
      expect(first.errors).to.have.length(1);
      const [state] = stack.engine.state();
      expect(state, "the half-created account is recorded in state").to.not.equal(undefined);
      expect(first.errors[0].message).to.contain(state.id).and.contain('"disable" failed').and.contain("pulumi up");
      expect(onSource(stack, HR, "halfway")[0].disabled).to.equal(false);
      // The recorded resource keeps its provider, so refresh (and destroy) still work on it.
      stack.sim.resetFaults();
      expect((await stack.engine.refresh()).errors).to.deep.equal([]);

      stack.sim.clearRequests();
      const second = await stack.engine.up([stack.account("halfway", inputs)]);
      expect(second.errors).to.deep.equal([]);
      expect(second.steps.map((s) => s.op)).to.deep.equal(["update"]);
      expect(mutating(stack).filter((r) => r === "POST /v3/accounts")).to.deep.equal([]);
      expect(onSource(stack, HR, "halfway")).to.have.length(1);
      expect(onSource(stack, HR, "halfway")[0].disabled).to.equal(true);
    });

    it("rejects bad inputs at check time, naming the field, before any write", async () => {
      const bad = [
        stack.account("bad1", { nativeIdentity: "x" }),
        stack.account("bad2", { sourceId: HR, nativeIdentity: "x", attributes: { employeeNumber: 42 } }),
        stack.account("bad3", { sourceId: HR, nativeIdentity: "x", attributes: { emial: "typo@example.com" } }),
        stack.account("bad4", { sourceId: HR, nativeIdentity: "x", attributes: { id: "y" } }),
      ];
      // An invalid resource ends the whole run, as in the engine: the first one is reported, the rest never checked.
      const together = await stack.engine.up(bad);
      expect(together.errors.map((e) => e.name)).to.deep.equal(["bad1"]);
      expect(together.skipped).to.deep.equal(["bad2", "bad3", "bad4"]);
      const messages: string[] = [];
      for (const resource of bad) messages.push(...(await stack.engine.up([resource])).errors.map((e) => e.message));
      expect(messages).to.have.length(4);
      expect(messages.join("\n"))
        .to.contain("sourceId")
        .and.contain("attributes.employeeNumber")
        .and.contain("attributes.emial")
        .and.contain("attributes.id");
      expect(mutating(stack)).to.deep.equal([]);
      // One schema read per source per plugin process (all these runs share one), however many resources use it.
      expect(stack.sim.requests().filter((r) => r.path.endsWith("/schemas"))).to.have.length(1);
    });

    it(
      "refuses input that used to reach the API (20 000-character or control-character nativeIdentity, " +
        "out-of-range numbers)",
      async () => {
        const cases: Array<[string, Record<string, unknown>, RegExp]> = [
          ["long", { nativeIdentity: "x".repeat(20_000) }, /nativeIdentity must be at most 255 characters/],
          [
            "nul",
            { nativeIdentity: "j\u0000doe" },
            /nativeIdentity must not contain control characters \(found U\+0000/,
          ],
          [
            "newline",
            { nativeIdentity: "j\ndoe" },
            /nativeIdentity must not contain control characters \(found U\+000A/,
          ],
          [
            "escape",
            { nativeIdentity: "j\u001bdoe" },
            /nativeIdentity must not contain control characters \(found U\+001B/,
          ],
          [
            "timeout",
            { nativeIdentity: "jdoe", taskTimeoutSeconds: 0.0001 },
            /taskTimeoutSeconds must be a number of seconds from 1 to 86400, got 0.0001/,
          ],
          [
            "poll",
            { nativeIdentity: "jdoe", pollIntervalMs: 10 },
            /pollIntervalMs must be a number of milliseconds from 50 to 60000, got 10/,
          ],
        ];
        for (const [name, inputs, reason] of cases) {
          const result = await stack.engine.up([stack.account(name, { sourceId: HR, ...inputs })]);
          expect(
            result.errors.map((e) => e.message),
            name,
          ).to.have.length(1);
          expect(result.errors[0].message, name).to.match(reason);
        }
        expect(stack.engine.state()).to.deep.equal([]);
        expect(
          stack.sim.requests().filter((r) => r.path.includes("/accounts")),
          "no account call at all",
        ).to.deep.equal([]);
      },
    );
  });

  describe("a long 429 wait", () => {
    let stack: AccountStack;
    // ISC's escalating Retry-After starts at 60 s; on the simulator's clock at 0.1 that is 6 s.
    withAccountStack((s) => (stack = s), { timeScale: 0.1 });

    it("is told once on the plugin's stderr, which the Pulumi CLI prints as a diagnostic", async function () {
      this.timeout(60_000);
      stack.sim.setFaults({ rateLimitBurst: 1, escalatingRetryAfter: true });
      const result = await stack.engine.up([
        stack.account("patient", {
          sourceId: CONTRACTORS,
          nativeIdentity: "patient.1",
          attributes: { email: "patient@example.com" },
        }),
      ]);
      stack.sim.resetFaults();
      expect(result.errors.map((e) => e.message)).to.deep.equal([]);
      const told = stack.plugin.diagnostics().filter((line) => line.includes("ISC rate limit:"));
      expect(told).to.have.length(1);
      expect(told[0]).to.match(/answered 429; every v3 request of this client waits 6 s \(Retry-After\), until /);
    });
  });

  describe("under faults", () => {
    let stack: AccountStack;
    withAccountStack((s) => (stack = s), { faults: {} });

    it("absorbs 429 bursts, 5xx, resets and token expiry without duplicates", async function () {
      this.timeout(150_000);
      stack.sim.setFaults({ errorRate: 0.1, resetRate: 0.05, rateLimitBurst: 5, tokenExpiryMs: 400 });
      const desired = Array.from({ length: 12 }, (_v, i) =>
        stack.account(`f${i}`, {
          sourceId: CONTRACTORS,
          nativeIdentity: `fault.${i}`,
          attributes: { email: `f${i}@example.com` },
          // Bounds the wait for an account whose create outcome was unknown (a 5xx after the POST).
          taskTimeoutSeconds: 8,
        }),
      );
      let result = await stack.engine.up(desired);
      const errors = result.errors.map((e) => e.message);
      // An up stops at its first failure, and a create answered 5xx after it may have been applied is never blindly
      // repeated: further ups converge.
      for (let pass = 0; pass < 10 && result.errors.length > 0; pass++) {
        result = await stack.engine.up(desired);
        errors.push(...result.errors.map((e) => e.message));
      }
      stack.sim.resetFaults();
      expect(result.errors.map((e) => e.message)).to.deep.equal([]);
      for (let i = 0; i < 12; i++) expect(onSource(stack, CONTRACTORS, `fault.${i}`), `fault.${i}`).to.have.length(1);
      expect((await stack.engine.up(desired)).steps.every((s) => s.op === "same")).to.equal(true);
      // Nothing the user sees (errors, what the CLI prints of the plugin's output) or Pulumi stores quotes the
      // client secret or any of the tokens ISC issued (one every 400 ms here).
      const secrets = tenantSecrets(stack.sim);
      expect(secrets.length).to.be.greaterThan(2);
      const run = { errors, pluginOutput: stack.plugin.diagnostics(), engine: stack.engine };
      expect(surfacesQuoting(run, secrets)).to.deep.equal([]);
    });
  });
});
