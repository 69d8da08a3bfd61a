/** Account operations of the simulator, as a client sees them over HTTP. */
import { expect } from "chai";
import type { Account, Entitlement, ErrorResponseDto } from "../../../provider/client/types";
import { DEMO_IDS } from "../../../simulator/index";
import type { SeedData } from "../../../simulator/types";
import { filterQuery, useSimulator, type SimResponse } from "../../support/simulator-http";

const HR = DEMO_IDS.hrSource;
const AD = "ad00000000000000000000000000d001";
const ids = DEMO_IDS.identities;

function seed(): SeedData {
  return {
    identities: Object.entries(ids).map(([name, id]) => ({ id, name })),
    sources: [
      {
        id: HR,
        name: "HR Flat File",
        identityAttribute: "id",
        displayAttribute: "displayName",
        attributes: [
          { name: "id" },
          { name: "displayName" },
          { name: "department" },
          { name: "groups", isMulti: true, isGroup: true },
        ],
      },
      { id: AD, name: "AD", type: "Active Directory - Direct", identityAttribute: "dn" },
    ],
    accounts: [
      {
        sourceId: HR,
        nativeIdentity: "E1",
        attributes: { displayName: "Zed", department: "Ops", groups: ["g1"] },
        identityId: ids.adaLovelace,
      },
      { sourceId: HR, nativeIdentity: "E2", attributes: { displayName: "Amy", department: "Eng" } },
      {
        sourceId: HR,
        nativeIdentity: "X3",
        attributes: { displayName: "Max", department: "Eng" },
        identityId: ids.graceHopper,
        manuallyCorrelated: true,
      },
      { sourceId: AD, nativeIdentity: "CN=ad1", attributes: {} },
    ],
  };
}

function errorText(response: SimResponse): string {
  return ((response.body as ErrorResponseDto).messages ?? []).map((m) => m.text).join(" ");
}

describe("simulator accounts", () => {
  const context = useSimulator({ taskDelayMs: 30 });
  beforeEach(() => {
    context().sim.admin.seed(seed());
    context().sim.resetFaults();
  });

  const http = () => context().http;
  const byNative = (nativeIdentity: string): Account => {
    const found = context()
      .sim.admin.listAccounts()
      .find((a) => a.nativeIdentity === nativeIdentity);
    if (!found) throw new Error(`no account ${nativeIdentity}`);
    return found;
  };
  const list = async (query: string): Promise<Account[]> => {
    const response = await http().call("GET", `/v3/accounts?${query}`);
    expect(response.status, response.text).to.equal(200);
    return response.body as Account[];
  };
  const natives = (accounts: Account[]) => accounts.map((a) => a.nativeIdentity);

  describe("listing", () => {
    it("filters with eq, in, sw, booleans and and", async () => {
      expect(natives(await list(filterQuery(`nativeIdentity sw "E" and sourceId eq "${HR}"`)))).to.deep.equal([
        "E1",
        "E2",
      ]);
      expect(natives(await list(filterQuery('nativeIdentity in ("X3","E2","nope")')))).to.deep.equal(["E2", "X3"]);
      expect(natives(await list(filterQuery("uncorrelated eq true")))).to.deep.equal(["E2", "CN=ad1"]);
      expect(natives(await list(filterQuery("manuallyCorrelated eq true")))).to.deep.equal(["X3"]);
      expect(natives(await list(filterQuery(`identityId eq "${ids.adaLovelace}"`)))).to.deep.equal(["E1"]);
      expect(natives(await list(filterQuery('name eq "Amy"')))).to.deep.equal(["E2"]);
    });

    it("sorts, pages and counts", async () => {
      expect(natives(await list("sorters=-name"))).to.deep.equal(["E1", "X3", "CN=ad1", "E2"]);
      expect(natives(await list("sorters=name&limit=2&offset=1"))).to.deep.equal(["CN=ad1", "X3"]);
      const counted = await http().call("GET", `/v3/accounts?count=true&limit=1&${filterQuery(`sourceId eq "${HR}"`)}`);
      expect(counted.headers.get("x-total-count")).to.equal("3");
      expect(counted.body).to.have.length(1);
      expect((await http().call("GET", "/v3/accounts")).headers.get("x-total-count")).to.equal(null);
    });

    it("answers 400 for limit > 250, bad sorters and filters on fields ISC does not filter", async () => {
      for (const query of [
        "limit=251",
        "limit=-1",
        "offset=x",
        "sorters=disabled",
        filterQuery("disabled eq false"),
        filterQuery('sourceId eq "x" and'),
      ]) {
        const response = await http().call("GET", `/v3/accounts?${query}`);
        expect(response.status, query).to.equal(400);
        expect((response.body as ErrorResponseDto).trackingId).to.match(/^[0-9a-f]{32}$/);
      }
    });

    it("shows account fields as ISC does", async () => {
      const [e1] = await list(filterQuery('nativeIdentity eq "E1"'));
      expect(e1).to.include({
        name: "Zed",
        sourceName: "HR Flat File",
        identityId: ids.adaLovelace,
        uncorrelated: false,
        hasEntitlements: true,
        origin: "AGGREGATED",
      });
      expect(e1.attributes).to.deep.equal({ id: "E1", displayName: "Zed", department: "Ops", groups: ["g1"] });
      expect(e1.identity).to.deep.equal({ id: ids.adaLovelace, name: "adaLovelace", type: "IDENTITY" });
      const [e2] = await list(filterQuery('nativeIdentity eq "E2"'));
      expect(e2)
        .to.include({ uncorrelated: true, hasEntitlements: false })
        .and.not.have.any.keys("identityId", "identity");
    });
  });

  describe("create (POST /v3/accounts)", () => {
    it(
      "answers a task id; the account appears as PROVISIONED when the task completes, with multi-valued " +
        "attributes as arrays",
      async () => {
        const response = await http().call("POST", "/v3/accounts", {
          json: { attributes: { sourceId: HR, id: "N1", displayName: "New", groups: "g1" } },
        });
        expect(response.status).to.equal(202);
        const taskId = (response.body as { id: string }).id;
        expect(await list(filterQuery('nativeIdentity eq "N1"'))).to.deep.equal([]);
        expect((await http().waitForTask(taskId)).completionStatus).to.equal("SUCCESS");
        const [created] = await list(filterQuery('nativeIdentity eq "N1"'));
        expect(created.id).not.to.equal(taskId);
        expect(created).to.include({ origin: "PROVISIONED", uncorrelated: true, name: "New" });
        expect(created.attributes).to.deep.equal({ id: "N1", displayName: "New", groups: ["g1"] });
      },
    );

    it("updates (merges into) the account when the nativeIdentity already exists", async () => {
      const before = byNative("E2");
      const response = await http().call("POST", "/v3/accounts", {
        json: { attributes: { sourceId: HR, id: "E2", department: "Sales" } },
      });
      await http().waitForTask((response.body as { id: string }).id);
      const after = byNative("E2");
      expect(after.id).to.equal(before.id);
      expect(after.attributes).to.deep.equal({ id: "E2", displayName: "Amy", department: "Sales" });
      expect(context().sim.admin.listAccounts(HR)).to.have.length(3);
    });

    it("answers 400 for an unknown source, a missing identity attribute or non-string values", async () => {
      const bodies = [
        { attributes: { sourceId: "nope", id: "N2" } },
        { attributes: { sourceId: HR, displayName: "No id" } },
        { attributes: { sourceId: HR, id: "N2", department: 5 } },
        { attributes: { sourceId: HR, id: "N2", displayName: ["a", "b"] } },
        { notAttributes: {} },
      ];
      for (const json of bodies) {
        const response = await http().call("POST", "/v3/accounts", { json });
        expect(response.status, JSON.stringify(json)).to.equal(400);
      }
      expect(context().sim.admin.listAccounts(HR)).to.have.length(3);
    });
  });

  describe("put (PUT /v3/accounts/{id})", () => {
    it("replaces the attribute set when the task completes", async () => {
      const id = byNative("E1").id;
      const response = await http().call("PUT", `/v3/accounts/${id}`, {
        json: { attributes: { displayName: "Zed Z" } },
      });
      expect(response.status).to.equal(202);
      expect(byNative("E1").attributes).to.have.property("department");
      await http().waitForTask((response.body as { id: string }).id);
      expect(byNative("E1").attributes).to.deep.equal({ id: "E1", displayName: "Zed Z" });
    });

    it("refuses to change the identity attribute and refuses non-flat-file sources", async () => {
      const changeId = await http().call("PUT", `/v3/accounts/${byNative("E1").id}`, {
        json: { attributes: { id: "E9" } },
      });
      expect(changeId.status).to.equal(400);
      expect(errorText(changeId)).to.match(/identity attribute/);
      const ad = await http().call("PUT", `/v3/accounts/${byNative("CN=ad1").id}`, { json: { attributes: {} } });
      expect(ad.status).to.equal(400);
      expect(errorText(ad)).to.match(/DelimitedFile/);
    });
  });

  describe("patch (PATCH /v3/accounts/{id})", () => {
    const patch = (id: string, operations: unknown, contentType = "application/json-patch+json") =>
      http().call("PATCH", `/v3/accounts/${id}`, { json: operations, headers: { "content-type": contentType } });

    it("answers 202 {} with no task id and applies the change a little later", async () => {
      const id = byNative("E2").id;
      const response = await patch(id, [{ op: "replace", path: "/identityId", value: ids.alanTuring }]);
      expect(response.status).to.equal(202);
      expect(response.body).to.deep.equal({});
      expect(byNative("E2").uncorrelated).to.equal(true);
      const after = await http().eventually(
        () => http().call("GET", `/v3/accounts/${id}`),
        (r) => (r.body as Account).identityId === ids.alanTuring,
      );
      expect(after.body).to.include({ manuallyCorrelated: true, uncorrelated: false });
    });

    it("keeps manuallyCorrelated as the same patch sets it, uncorrelates on remove, edits attributes", async () => {
      const id = byNative("E1").id;
      await patch(id, [
        { op: "replace", path: "/identityId", value: ids.graceHopper },
        { op: "replace", path: "/manuallyCorrelated", value: false },
        { op: "add", path: "/attributes/department", value: "Legal" },
        { op: "remove", path: "/attributes/groups" },
      ]);
      await http().eventually(
        async () => byNative("E1"),
        (a) => a.identityId === ids.graceHopper,
      );
      expect(byNative("E1")).to.include({ manuallyCorrelated: false, hasEntitlements: false });
      expect(byNative("E1").attributes).to.deep.equal({ id: "E1", displayName: "Zed", department: "Legal" });
      await patch(id, [{ op: "remove", path: "/identityId" }]);
      await http().eventually(
        async () => byNative("E1"),
        (a) => a.uncorrelated,
      );
    });

    it(
      "answers 400 for another content type, other paths, unknown identities and attribute edits off " + "flat files",
      async () => {
        const id = byNative("E1").id;
        const cases: Array<[unknown, string?]> = [
          [[{ op: "replace", path: "/identityId", value: ids.graceHopper }], "application/json"],
          [[{ op: "replace", path: "/disabled", value: true }]],
          [[{ op: "replace", path: "/identityId", value: "ffffffffffffffffffffffffffffffff" }]],
          [[{ op: "replace", path: "/attributes/id", value: "E7" }]],
          [[{ op: "move", path: "/attributes/a", from: "/attributes/b" }]],
          [[]],
          [{ op: "replace", path: "/identityId", value: ids.graceHopper }],
        ];
        for (const [operations, contentType] of cases) {
          const response = await patch(id, operations, contentType);
          expect(response.status, JSON.stringify(operations)).to.equal(400);
        }
        const ad = await patch(byNative("CN=ad1").id, [{ op: "add", path: "/attributes/cn", value: "x" }]);
        expect(ad.status).to.equal(400);
        expect(errorText(ad)).to.match(/flat file/);
      },
    );
  });

  describe("changes while a task runs", () => {
    // Tasks are held: "still running" is a fact of the test, not a race against taskDelayMs.
    beforeEach(() => context().sim.holdTasks(true));
    afterEach(() => context().sim.holdTasks(false));

    const taskId = (response: SimResponse): string => (response.body as { id: string }).id;

    it(
      "by default takes each change (no pending rule is documented for ISC); each applies when its task " + "completes",
      async () => {
        const id = byNative("E1").id;
        const patch = await http().call("PATCH", `/v3/accounts/${id}`, {
          json: [{ op: "replace", path: "/attributes/department", value: "Sales" }],
          headers: { "content-type": "application/json-patch+json" },
        });
        expect(patch.status).to.equal(202);
        const accepted: SimResponse[] = [];
        for (const [method, path, json] of [
          ["POST", `/v3/accounts/${id}/disable`, {}],
          ["PUT", `/v3/accounts/${id}`, { attributes: { displayName: "Zed", department: "Sales", groups: ["g1"] } }],
          ["POST", `/v3/accounts/${id}/reload`, undefined],
          ["POST", "/v3/accounts", { attributes: { sourceId: HR, id: "E1", groups: ["g2"] } }],
        ] as const) {
          const response = await http().call(method, path, { json });
          expect(response.status, `${method} ${path}: ${response.text}`).to.equal(202);
          accepted.push(response);
        }
        expect(byNative("E1")).to.deep.include({ disabled: false });
        expect(context().sim.completeTasks()).to.equal(5);
        for (const response of accepted)
          expect((await http().waitForTask(taskId(response))).completionStatus).to.equal("SUCCESS");
        expect(byNative("E1")).to.deep.include({ disabled: true });
        expect(byNative("E1").attributes).to.deep.include({ department: "Sales", groups: ["g2"] });
      },
    );

    it(
      "with pendingTaskRefusal, shows the account unchanged while its task runs and refuses a second change " +
        "with 400",
      async () => {
        context().sim.setFaults({ pendingTaskRefusal: true });
        const id = byNative("E1").id;
        const disable = await http().call("POST", `/v3/accounts/${id}/disable`, { json: {} });
        expect(disable.status).to.equal(202);
        expect(((await http().call("GET", `/v3/accounts/${id}`)).body as Account).disabled).to.equal(false);
        for (const [method, path, json] of [
          ["PUT", `/v3/accounts/${id}`, { attributes: {} }],
          ["POST", `/v3/accounts/${id}/enable`, {}],
          ["DELETE", `/v3/accounts/${id}`, undefined],
          ["POST", "/v3/accounts", { attributes: { sourceId: HR, id: "E1", department: "x" } }],
        ] as const) {
          const refused = await http().call(method, path, { json });
          expect(refused.status, `${method} ${path}`).to.equal(400);
          expect(errorText(refused)).to.match(/pending task/);
        }
        expect(context().sim.completeTasks()).to.equal(1);
        await http().waitForTask(taskId(disable));
        expect(((await http().call("GET", `/v3/accounts/${id}`)).body as Account).disabled).to.equal(true);
        expect((await http().call("POST", `/v3/accounts/${id}/enable`, { json: {} })).status).to.equal(202);
      },
    );

    it(
      "with pendingTaskRefusal, refuses enable/disable right after a PATCH, and a second create of the same " +
        "nativeIdentity",
      async () => {
        context().sim.setFaults({ pendingTaskRefusal: true });
        const id = byNative("E1").id;
        const patch = await http().call("PATCH", `/v3/accounts/${id}`, {
          json: [{ op: "replace", path: "/attributes/department", value: "Sales" }],
          headers: { "content-type": "application/json-patch+json" },
        });
        expect(patch.status).to.equal(202);
        expect((await http().call("POST", `/v3/accounts/${id}/disable`, { json: {} })).status).to.equal(400);
        const body = { attributes: { sourceId: HR, id: "N5" } };
        expect((await http().call("POST", "/v3/accounts", { json: body })).status).to.equal(202);
        expect((await http().call("POST", "/v3/accounts", { json: body })).status).to.equal(400);
        context().sim.completeTasks();
        expect((await http().call("POST", `/v3/accounts/${id}/disable`, { json: {} })).status).to.equal(202);
      },
    );
  });

  describe("enable, disable, unlock, reload, delete", () => {
    it("apply when their task completes", async () => {
      const id = byNative("E1").id;
      context().sim.admin.updateAccount(id, { locked: true });
      for (const [action, check] of [
        ["disable", (a: Account) => a.disabled],
        ["enable", (a: Account) => !a.disabled],
        ["unlock", (a: Account) => !a.locked],
        ["reload", () => true],
      ] as const) {
        const response = await http().call("POST", `/v3/accounts/${id}/${action}`, {
          json: action === "reload" ? undefined : {},
        });
        expect(response.status).to.equal(202);
        expect((await http().waitForTask((response.body as { id: string }).id)).uniqueName).to.match(/Account/);
        expect(check(byNative("E1")), action).to.equal(true);
      }
      const bad = await http().call("POST", `/v3/accounts/${id}/unlock`, { json: { unlockIDNAccount: "yes" } });
      expect(bad.status).to.equal(400);
    });

    it(
      "delete removes the account when the task completes; unknown ids are 404, non-flat-file " + "sources 400",
      async () => {
        const id = byNative("E2").id;
        const response = await http().call("DELETE", `/v3/accounts/${id}`);
        expect(response.status).to.equal(202);
        await http().waitForTask((response.body as { id: string }).id);
        expect((await http().call("GET", `/v3/accounts/${id}`)).status).to.equal(404);
        expect((await http().call("DELETE", `/v3/accounts/${id}`)).status).to.equal(404);
        expect((await http().call("DELETE", `/v3/accounts/${byNative("CN=ad1").id}`)).status).to.equal(400);
      },
    );
  });

  describe("entitlements", () => {
    it("lists one entitlement per value of the account's group attributes", async () => {
      const id = byNative("E1").id;
      context().sim.admin.updateAccount(id, { attributes: { groups: ["g1", "g2"] } });
      const response = await http().call("GET", `/v3/accounts/${id}/entitlements?count=true`);
      const entitlements = response.body as Entitlement[];
      expect(entitlements.map((e) => [e.attribute, e.value])).to.deep.equal([
        ["groups", "g1"],
        ["groups", "g2"],
      ]);
      expect(entitlements[0].source).to.deep.include({ id: HR, name: "HR Flat File" });
      expect(response.headers.get("x-total-count")).to.equal("2");
    });
  });
});
