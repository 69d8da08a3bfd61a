/**
 * Contract: every v3 account/source operation of the simulator, at /v3 and at the per-service
 * paths (/accounts/v1, /sources/v1), answers bodies that validate against ../shared/isc-openapi.
 */
import { expect } from "chai";
import type { RouteName } from "../../provider/client/routes";
import type { Account, SourceSchema } from "../../provider/client/types";
import { DEMO_IDS, startSimulator } from "../../simulator/index";
import type { RunningSimulator } from "../../simulator/types";
import { describeContract } from "../support/contract";
import { filterQuery, GENERATIONS, SimHttp } from "../support/simulator-http";
import { AD_SOURCE_ID, ContractChecker, contractSeed, describeGateErrors } from "../support/simulator-contract-kit";

const ROUTES_UNDER_TEST: readonly RouteName[] = [
  "listAccounts",
  "createAccount",
  "getAccount",
  "putAccount",
  "patchAccount",
  "deleteAccount",
  "enableAccount",
  "disableAccount",
  "unlockAccount",
  "reloadAccount",
  "listAccountEntitlements",
  "listSources",
  "getSource",
  "listSourceSchemas",
  "getSourceSchema",
];

const HR = DEMO_IDS.hrSource;
const UNKNOWN_ID = "ffffffffffffffffffffffffffffffff";

describeContract("simulator contract: accounts and sources (v3 and per-service)", (contract) => {
  let sim: RunningSimulator;
  let http: SimHttp;
  const checker = new ContractChecker(contract);

  before(async () => {
    sim = await startSimulator({ seed: contractSeed(), taskDelayMs: 15, rateLimit: false });
    http = new SimHttp(sim);
  });
  after(async () => sim?.stop());

  /** A fresh HR account created out of band, so each operation has its own account. */
  const freshAccount = (nativeIdentity: string): Account =>
    sim.admin.createAccount({
      sourceId: HR,
      nativeIdentity,
      attributes: { displayName: nativeIdentity, groups: ["g1", "g2"] },
    });
  const adAccount = (nativeIdentity: string): Account =>
    sim.admin.createAccount({ sourceId: AD_SOURCE_ID, nativeIdentity, attributes: { cn: nativeIdentity } });

  for (const generation of GENERATIONS) {
    describe(`${generation} paths`, () => {
      const tag = generation === "versioned" ? "v" : "p";

      it("listAccounts: 200 with X-Total-Count, 400 for a bad filter", async () => {
        const ok = await http.route(
          "listAccounts",
          generation,
          {},
          { query: filterQuery(`sourceId eq "${HR}"`, "count=true&limit=1") },
        );
        const body = checker.check("listAccounts", generation, ok, 200) as Account[];
        expect(body).to.have.length(1);
        expect(Number(ok.headers.get("x-total-count"))).to.be.at.least(2);
        const all = await http.route("listAccounts", generation);
        expect((checker.check("listAccounts", generation, all, 200) as Account[]).some((a) => a.uncorrelated)).to.equal(
          true,
        );
        checker.check(
          "listAccounts",
          generation,
          await http.route("listAccounts", generation, {}, { query: filterQuery("disabled eq true") }),
          400,
        );
      });

      it("createAccount: 202 with a task id, 400 without sourceId", async () => {
        const created = await http.route(
          "createAccount",
          generation,
          {},
          { json: { attributes: { sourceId: HR, id: `${tag}-new`, displayName: "New", groups: "g1" } } },
        );
        const { id } = checker.check("createAccount", generation, created, 202) as { id: string };
        expect((await http.waitForTask(id)).completionStatus).to.equal("SUCCESS");
        checker.check(
          "createAccount",
          generation,
          await http.route("createAccount", generation, {}, { json: { attributes: { id: "x" } } }),
          400,
        );
      });

      it("getAccount: 200 for correlated and uncorrelated accounts, 404 when unknown", async () => {
        checker.check(
          "getAccount",
          generation,
          await http.route("getAccount", generation, { id: DEMO_IDS.accounts.hrAda }),
          200,
        );
        const uncorrelated = checker.check(
          "getAccount",
          generation,
          await http.route("getAccount", generation, { id: DEMO_IDS.accounts.contractorAlan }),
          200,
        );
        expect(uncorrelated).to.include({ uncorrelated: true }).and.not.have.property("identityId");
        checker.check("getAccount", generation, await http.route("getAccount", generation, { id: UNKNOWN_ID }), 404);
      });

      it("putAccount: 202, 400 on a non-flat-file source, 404 when unknown", async () => {
        const account = freshAccount(`${tag}-put`);
        const put = await http.route(
          "putAccount",
          generation,
          { id: account.id },
          { json: { attributes: { displayName: "Changed" } } },
        );
        checker.check("putAccount", generation, put, 202);
        const ad = adAccount(`CN=${tag}-put`);
        checker.check(
          "putAccount",
          generation,
          await http.route("putAccount", generation, { id: ad.id }, { json: { attributes: { cn: "x" } } }),
          400,
        );
        checker.check(
          "putAccount",
          generation,
          await http.route("putAccount", generation, { id: UNKNOWN_ID }, { json: { attributes: {} } }),
          404,
        );
      });

      it("patchAccount: 202 with an object body, 400 for a wrong content type, 404 when unknown", async () => {
        const account = freshAccount(`${tag}-patch`);
        const patch = [{ op: "replace", path: "/identityId", value: DEMO_IDS.identities.alanTuring }];
        const jsonPatch = { "content-type": "application/json-patch+json" };
        checker.check(
          "patchAccount",
          generation,
          await http.route("patchAccount", generation, { id: account.id }, { json: patch, headers: jsonPatch }),
          202,
        );
        checker.check(
          "patchAccount",
          generation,
          await http.route("patchAccount", generation, { id: account.id }, { json: patch }),
          400,
        );
        checker.check(
          "patchAccount",
          generation,
          await http.route("patchAccount", generation, { id: UNKNOWN_ID }, { json: patch, headers: jsonPatch }),
          404,
        );
      });

      it("deleteAccount: 202, 400 on a non-flat-file source, 404 when unknown", async () => {
        checker.check(
          "deleteAccount",
          generation,
          await http.route("deleteAccount", generation, { id: freshAccount(`${tag}-delete`).id }),
          202,
        );
        checker.check(
          "deleteAccount",
          generation,
          await http.route("deleteAccount", generation, { id: adAccount(`CN=${tag}-delete`).id }),
          400,
        );
        checker.check(
          "deleteAccount",
          generation,
          await http.route("deleteAccount", generation, { id: UNKNOWN_ID }),
          404,
        );
      });

      for (const route of ["enableAccount", "disableAccount", "unlockAccount"] as const) {
        it(`${route}: 202, 400 for a mistyped body, 404 when unknown`, async () => {
          const account = freshAccount(`${tag}-${route}`);
          checker.check(
            route,
            generation,
            await http.route(route, generation, { id: account.id }, { json: { forceProvisioning: false } }),
            202,
          );
          const other = freshAccount(`${tag}-${route}-bad`);
          checker.check(
            route,
            generation,
            await http.route(route, generation, { id: other.id }, { json: { forceProvisioning: "yes" } }),
            400,
          );
          checker.check(route, generation, await http.route(route, generation, { id: UNKNOWN_ID }, { json: {} }), 404);
        });
      }

      it("reloadAccount: 202, 400 while a task is pending (pendingTaskRefusal), 404 when unknown", async () => {
        const account = freshAccount(`${tag}-reload`);
        sim.setFaults({ pendingTaskRefusal: true });
        sim.holdTasks(true); // the first reload is still running when the second arrives
        try {
          checker.check(
            "reloadAccount",
            generation,
            await http.route("reloadAccount", generation, { id: account.id }),
            202,
          );
          checker.check(
            "reloadAccount",
            generation,
            await http.route("reloadAccount", generation, { id: account.id }),
            400,
          );
        } finally {
          sim.holdTasks(false);
          sim.setFaults({ pendingTaskRefusal: false });
        }
        checker.check(
          "reloadAccount",
          generation,
          await http.route("reloadAccount", generation, { id: UNKNOWN_ID }),
          404,
        );
      });

      it("listAccountEntitlements: 200, 400 for limit > 250, 404 when unknown", async () => {
        const ok = await http.route(
          "listAccountEntitlements",
          generation,
          { id: DEMO_IDS.accounts.hrAda },
          { query: "count=true" },
        );
        expect(checker.check("listAccountEntitlements", generation, ok, 200)).to.have.length(2);
        const tooMany = await http.route(
          "listAccountEntitlements",
          generation,
          { id: DEMO_IDS.accounts.hrAda },
          { query: "limit=251" },
        );
        checker.check("listAccountEntitlements", generation, tooMany, 400);
        checker.check(
          "listAccountEntitlements",
          generation,
          await http.route("listAccountEntitlements", generation, { id: UNKNOWN_ID }),
          404,
        );
      });

      it("listSources and getSource: 200, 400 for a bad filter, 404 when unknown", async () => {
        expect(
          checker.check("listSources", generation, await http.route("listSources", generation), 200),
        ).to.have.length(3);
        const filtered = await http.route(
          "listSources",
          generation,
          {},
          { query: filterQuery(`name in ("HR Flat File","nope")`) },
        );
        expect(checker.check("listSources", generation, filtered, 200)).to.have.length(1);
        checker.check(
          "listSources",
          generation,
          await http.route("listSources", generation, {}, { query: filterQuery("name eq HR") }),
          400,
        );
        checker.check("getSource", generation, await http.route("getSource", generation, { id: HR }), 200);
        checker.check("getSource", generation, await http.route("getSource", generation, { id: AD_SOURCE_ID }), 200);
        checker.check("getSource", generation, await http.route("getSource", generation, { id: UNKNOWN_ID }), 404);
      });

      it("listSourceSchemas and getSourceSchema: 200, 400 for a bad include-types, 404 when unknown", async () => {
        const schemas = checker.check(
          "listSourceSchemas",
          generation,
          await http.route("listSourceSchemas", generation, { sourceId: HR }),
          200,
        ) as SourceSchema[];
        expect(schemas.map((schema) => schema.name)).to.deep.equal(["account", "group"]);
        const bad = await http.route(
          "listSourceSchemas",
          generation,
          { sourceId: HR },
          { query: "include-types=machine" },
        );
        checker.check("listSourceSchemas", generation, bad, 400);
        checker.check(
          "listSourceSchemas",
          generation,
          await http.route("listSourceSchemas", generation, { sourceId: UNKNOWN_ID }),
          404,
        );
        for (const schema of schemas) {
          const one = await http.route("getSourceSchema", generation, { sourceId: HR, schemaId: schema.id as string });
          expect(checker.check("getSourceSchema", generation, one, 200)).to.deep.equal(schema);
        }
        checker.check(
          "getSourceSchema",
          generation,
          await http.route("getSourceSchema", generation, { sourceId: HR, schemaId: UNKNOWN_ID }),
          404,
        );
      });
    });
  }

  describeGateErrors(ROUTES_UNDER_TEST, () => ({ sim, http, checker }));

  describe("coverage", () => {
    it("saw every expected status of every operation in both generations", () => {
      expect(checker.missing(ROUTES_UNDER_TEST)).to.deep.equal([]);
    });
  });
});
