/** The simulator's out-of-band surface: the typed admin object and the /__sim HTTP API. */
import { expect } from "chai";
import type { Account } from "../../../provider/client/types";
import { DEMO_CLIENT, DEMO_IDS, demoSeed, SimulatorAdminError } from "../../../simulator/index";
import type { FaultConfig, RequestLogEntry, SimulatorState } from "../../../simulator/types";
import { useSimulator } from "../../support/simulator-http";

const HR = DEMO_IDS.hrSource;

describe("simulator admin", () => {
  const context = useSimulator({ taskDelayMs: 10 });
  beforeEach(() => {
    context().sim.admin.seed(demoSeed());
    context().sim.resetFaults();
    context().sim.clearRequests();
  });

  const admin = () => context().sim.admin;
  const simCall = async (method: string, path: string, json?: unknown) => {
    const response = await fetch(`${context().sim.url}/__sim${path}`, {
      method,
      headers: json === undefined ? {} : { "content-type": "application/json" },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };

  describe("in process", () => {
    it("creates an account as an aggregation would: AGGREGATED and visible at once via the API", async () => {
      const created = admin().createAccount({
        sourceId: HR,
        nativeIdentity: "A1",
        attributes: { displayName: "Agg", groups: "g1" },
      });
      expect(created).to.include({ origin: "AGGREGATED", uncorrelated: true, name: "Agg" });
      expect(created.attributes).to.deep.equal({ id: "A1", displayName: "Agg", groups: ["g1"] });
      const viaApi = await context().http.call("GET", `/v3/accounts/${created.id}`);
      expect(viaApi.body).to.deep.equal(created);
    });

    it("updates attributes (null deletes), flags and correlation; uncorrelating clears manuallyCorrelated", () => {
      const id = DEMO_IDS.accounts.hrAda;
      const updated = admin().updateAccount(id, {
        attributes: { department: null, email: "new@example.com" },
        disabled: true,
        locked: true,
      });
      expect(updated.attributes).to.deep.equal({
        id: "E1001",
        displayName: "Ada Lovelace",
        email: "new@example.com",
        groups: ["engineering", "admins"],
      });
      expect(updated).to.include({ disabled: true, locked: true });
      expect(
        admin().updateAccount(id, { identityId: DEMO_IDS.identities.alanTuring, manuallyCorrelated: true }),
      ).to.include({ manuallyCorrelated: true });
      expect(admin().updateAccount(id, { identityId: null })).to.include({
        uncorrelated: true,
        manuallyCorrelated: false,
      });
    });

    it("refuses unknown sources, identities, accounts, duplicates and identity-attribute changes", () => {
      expect(() => admin().createAccount({ sourceId: "nope", nativeIdentity: "x" })).to.throw(SimulatorAdminError);
      expect(() => admin().createAccount({ sourceId: HR, nativeIdentity: "E1001" })).to.throw(
        SimulatorAdminError,
        /already exists/,
      );
      expect(() => admin().createAccount({ sourceId: HR, nativeIdentity: "Z", identityId: "nobody" })).to.throw(
        SimulatorAdminError,
        /unknown identity/,
      );
      expect(() => admin().updateAccount("nope", {}))
        .to.throw(SimulatorAdminError)
        .with.property("status", 404);
      expect(() => admin().updateAccount(DEMO_IDS.accounts.hrAda, { attributes: { id: "E9" } })).to.throw(
        SimulatorAdminError,
        /identity attribute/,
      );
    });

    it("deletes at once, and lists by source", () => {
      expect(admin().listAccounts(HR)).to.have.length(2);
      expect(admin().deleteAccount(DEMO_IDS.accounts.hrAda)).to.equal(true);
      expect(admin().deleteAccount(DEMO_IDS.accounts.hrAda)).to.equal(false);
      expect(
        admin()
          .listAccounts(HR)
          .map((a) => a.nativeIdentity),
      ).to.deep.equal(["E1002"]);
      expect(admin().getAccount(DEMO_IDS.accounts.hrAda)).to.equal(undefined);
    });

    it("seed() replaces everything and forgets running tasks", async () => {
      const response = await context().http.call("POST", "/v3/accounts", {
        json: { attributes: { sourceId: HR, id: "T1" } },
      });
      admin().seed({
        sources: [{ id: "s1", name: "Only", identityAttribute: "uid" }],
        accounts: [{ sourceName: "Only", attributes: { uid: "u1" } }],
      });
      const state = admin().state();
      expect(state.sources.map((s) => s.name)).to.deep.equal(["Only"]);
      expect(state.accounts.map((a) => a.nativeIdentity)).to.deep.equal(["u1"]);
      expect(state.accounts[0].id).to.match(/^[0-9a-f]{32}$/);
      expect(state.clients).to.deep.equal([{ clientId: DEMO_CLIENT.clientId, readOnly: false }]);
      expect(
        (await context().http.call("GET", `/v2025/task-status/${(response.body as { id: string }).id}`)).status,
      ).to.equal(404);
    });

    it("refuses invalid seed data", () => {
      expect(() => admin().seed({ sources: [{ name: "No identity attribute" } as never] })).to.throw(
        SimulatorAdminError,
        /identityAttribute/,
      );
      expect(() =>
        admin().seed({
          sources: [{ id: "s", name: "S", identityAttribute: "id" }],
          accounts: [{ sourceId: "other", nativeIdentity: "x" }],
        }),
      ).to.throw(SimulatorAdminError, /unknown source/);
    });

    it("state() shows pending account ids while a task runs", async () => {
      const response = await context().http.call("POST", `/v3/accounts/${DEMO_IDS.accounts.hrAda}/disable`, {
        json: {},
      });
      expect(admin().state().pendingAccountIds).to.deep.equal([DEMO_IDS.accounts.hrAda]);
      await context().http.waitForTask((response.body as { id: string }).id);
      expect(admin().state().pendingAccountIds).to.deep.equal([]);
    });
  });

  describe("over HTTP (/__sim, no ISC auth)", () => {
    it("GET /__sim/state and POST /__sim/seed", async () => {
      const state = (await simCall("GET", "/state")).body as SimulatorState;
      expect(state.sources.map((s) => s.id)).to.deep.equal([DEMO_IDS.hrSource, DEMO_IDS.contractorsSource]);
      expect(JSON.stringify(state)).not.to.include(DEMO_CLIENT.clientSecret);
      expect(
        (await simCall("POST", "/seed", { sources: [{ id: "s1", name: "S", identityAttribute: "uid" }] })).status,
      ).to.equal(204);
      expect(((await simCall("GET", "/state")).body as SimulatorState).sources).to.have.length(1);
      expect((await simCall("POST", "/seed", { sources: [{ name: "bad" }] })).status).to.equal(400);
    });

    it("accounts: list, create (201), get, patch, delete (204), 404 for unknown", async () => {
      const created = await simCall("POST", "/accounts", {
        sourceId: HR,
        nativeIdentity: "H1",
        attributes: { displayName: "Http" },
      });
      expect(created.status).to.equal(201);
      const id = (created.body as Account).id;
      expect(
        ((await simCall("GET", `/accounts?sourceId=${HR}`)).body as Account[]).map((a) => a.nativeIdentity),
      ).to.include("H1");
      expect((await simCall("GET", `/accounts/${id}`)).status).to.equal(200);
      const patched = await simCall("PATCH", `/accounts/${id}`, {
        disabled: true,
        attributes: { displayName: "Changed" },
      });
      expect(patched.body).to.include({ disabled: true, name: "Changed" });
      expect((await simCall("DELETE", `/accounts/${id}`)).status).to.equal(204);
      expect((await simCall("DELETE", `/accounts/${id}`)).status).to.equal(404);
      expect((await simCall("PATCH", `/accounts/${id}`, {})).status).to.equal(404);
      expect((await simCall("POST", "/accounts", { sourceId: "nope" })).status).to.equal(400);
    });

    it("faults: POST sets (400 for bad values), GET shows, DELETE resets", async () => {
      expect(
        ((await simCall("POST", "/faults", { latencyMs: 5, failTasksMatching: "x" })).body as FaultConfig).latencyMs,
      ).to.equal(5);
      expect(((await simCall("GET", "/faults")).body as FaultConfig).failTasksMatching).to.equal("x");
      expect((await simCall("POST", "/faults", { errorRate: 7 })).status).to.equal(400);
      expect((await simCall("DELETE", "/faults")).status).to.equal(204);
      expect(((await simCall("GET", "/faults")).body as FaultConfig).latencyMs).to.equal(0);
    });

    it("requests: lists every request with its budget and client, DELETE clears", async () => {
      const { http } = context();
      await http.token();
      await http.call("GET", "/v3/sources?limit=1");
      await http.call("GET", "/accounts/v1");
      await http.call("GET", "/v2025/task-status");
      const entries = (await simCall("GET", "/requests")).body as RequestLogEntry[];
      const api = entries.filter((e) => e.budget !== "admin" && e.budget !== "oauth");
      expect(api.map((e) => [e.method, e.path, e.budget, e.status, e.clientId])).to.deep.equal([
        ["GET", "/v3/sources", "v3", 200, DEMO_CLIENT.clientId],
        ["GET", "/accounts/v1", "accounts/v1", 200, DEMO_CLIENT.clientId],
        ["GET", "/v2025/task-status", "v2025", 200, DEMO_CLIENT.clientId],
      ]);
      expect(api[0].query).to.deep.equal({ limit: "1" });
      expect((await simCall("DELETE", "/requests")).status).to.equal(204);
      const after = (await simCall("GET", "/requests")).body as RequestLogEntry[];
      expect(after.every((e) => e.budget === "admin")).to.equal(true);
    });

    it("tokens/expire makes every token invalid", async () => {
      const { http } = context();
      const token = await http.fetchToken();
      expect((await simCall("POST", "/tokens/expire")).status).to.equal(204);
      expect((await http.call("GET", "/v3/sources", { token })).status).to.equal(401);
      http.forgetToken();
    });

    it("tasks/hold keeps tasks running until tasks/complete finishes them (400 for a bad body)", async () => {
      const { http } = context();
      expect((await simCall("POST", "/tasks/hold", { hold: true })).status).to.equal(204);
      try {
        const disable = await http.call("POST", `/v3/accounts/${DEMO_IDS.accounts.hrAda}/disable`, { json: {} });
        const taskId = (disable.body as { id: string }).id;
        expect(admin().state().pendingAccountIds).to.deep.equal([DEMO_IDS.accounts.hrAda]);
        expect(await simCall("POST", "/tasks/complete")).to.deep.equal({ status: 200, body: { completed: 1 } });
        expect(admin().getAccount(DEMO_IDS.accounts.hrAda)?.disabled).to.equal(true);
        expect((await http.call("GET", `/v2025/task-status/${taskId}`)).body).to.include({
          completionStatus: "SUCCESS",
        });
        expect((await simCall("POST", "/tasks/hold", { hold: "yes" })).status).to.equal(400);
      } finally {
        await simCall("POST", "/tasks/hold", { hold: false });
      }
    });

    it("answers 404 for unknown admin paths", async () => {
      expect((await simCall("GET", "/nope")).status).to.equal(404);
    });
  });
});
