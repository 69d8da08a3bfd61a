/**
 * Contract: the simulator's v2025 operations (task-status, load-uncorrelated-accounts, classify), at
 * /v2025 and at the per-service paths (/task-status/v1, /sources/v1), validate against the contract.
 */
import { expect } from "chai";
import type { RouteName } from "../../provider/client/routes";
import type { LoadUncorrelatedAccountsTask, SourceClassificationStatus, TaskStatus } from "../../provider/client/types";
import { DEMO_IDS, startSimulator } from "../../simulator/index";
import type { RunningSimulator } from "../../simulator/types";
import { describeContract } from "../support/contract";
import { filterQuery, GENERATIONS, SimHttp } from "../support/simulator-http";
import { ContractChecker, contractSeed, describeGateErrors } from "../support/simulator-contract-kit";

const ROUTES_UNDER_TEST: readonly RouteName[] = [
  "getTaskStatus",
  "listTaskStatus",
  "loadUncorrelatedAccounts",
  "startClassification",
  "getClassification",
  "cancelClassification",
];

const HR = DEMO_IDS.hrSource;
const UNKNOWN_ID = "ffffffffffffffffffffffffffffffff";

function csvForm(csv: string): FormData {
  const form = new FormData();
  form.append("file", new Blob([csv], { type: "text/csv" }), "accounts.csv");
  return form;
}

describeContract("simulator contract: task-status, uncorrelated load, classify (v2025 and per-service)", (contract) => {
  let sim: RunningSimulator;
  let http: SimHttp;
  const checker = new ContractChecker(contract);

  before(async () => {
    sim = await startSimulator({ seed: contractSeed(), taskDelayMs: 40, rateLimit: false });
    http = new SimHttp(sim);
  });
  after(async () => sim?.stop());

  for (const generation of GENERATIONS) {
    describe(`${generation} paths`, () => {
      before(() => sim.admin.seed(contractSeed()));

      it("getTaskStatus: 200 while running and when complete, 404 when unknown", async () => {
        const created = await http.route(
          "createAccount",
          "versioned",
          {},
          { json: { attributes: { sourceId: HR, id: `task-${generation}` } } },
        );
        const taskId = (created.body as { id: string }).id;
        const running = checker.check(
          "getTaskStatus",
          generation,
          await http.route("getTaskStatus", generation, { id: taskId }),
          200,
        ) as TaskStatus;
        expect(running).to.include({ completed: null, completionStatus: null });
        const done = await http.eventually(
          () => http.route("getTaskStatus", generation, { id: taskId }),
          (response) => (response.body as TaskStatus).completionStatus !== null,
        );
        expect(checker.check("getTaskStatus", generation, done, 200)).to.include({
          completionStatus: "SUCCESS",
          percentComplete: 100,
        });
        checker.check(
          "getTaskStatus",
          generation,
          await http.route("getTaskStatus", generation, { id: UNKNOWN_ID }),
          404,
        );
      });

      it("listTaskStatus: 200 for id in (...) with X-Total-Count, 400 for a bad filter", async () => {
        const ids: string[] = [];
        for (const name of ["a", "b"]) {
          const created = await http.route(
            "createAccount",
            "versioned",
            {},
            { json: { attributes: { sourceId: HR, id: `list-${generation}-${name}` } } },
          );
          ids.push((created.body as { id: string }).id);
        }
        const query = filterQuery(`id in (${ids.map((id) => JSON.stringify(id)).join(",")})`, "count=true");
        const listed = checker.check(
          "listTaskStatus",
          generation,
          await http.route("listTaskStatus", generation, {}, { query }),
          200,
        ) as TaskStatus[];
        expect(listed.map((task) => task.id)).to.deep.equal(ids);
        const bad = await http.route("listTaskStatus", generation, {}, { query: filterQuery("id eq") });
        checker.check("listTaskStatus", generation, bad, 400);
      });

      it("loadUncorrelatedAccounts: 202 with a task that completes, 400 when not multipart", async () => {
        const csv = 'id,displayName,groups\nL1,Loaded One,"[g1,g2]"\nL2,Loaded Two,\n';
        const response = await http.route("loadUncorrelatedAccounts", generation, { id: HR }, { raw: csvForm(csv) });
        const body = checker.check(
          "loadUncorrelatedAccounts",
          generation,
          response,
          202,
        ) as LoadUncorrelatedAccountsTask;
        const task = await http.waitForTask(body.task?.id as string);
        expect(task.attributes).to.include({ total: 2, created: 2, errors: 0 });
        const notMultipart = await http.route(
          "loadUncorrelatedAccounts",
          generation,
          { id: HR },
          { json: { file: csv } },
        );
        checker.check("loadUncorrelatedAccounts", generation, notMultipart, 400);
      });

      it(
        "classify: 404 before any run, 200 on start and status, 400 without the experimental header or while " +
          "running, 204 on cancel",
        async () => {
          const source = { sourceId: HR };
          /** Calls the route and checks its answer against the contract for this status. */
          const step = async (route: RouteName, status: number, options?: Parameters<typeof http.route>[3]) =>
            checker.check(route, generation, await http.route(route, generation, source, options), status);
          await step("getClassification", 404);
          const noHeader = { headers: { "X-SailPoint-Experimental": "false" } };
          await step("startClassification", 400, noHeader);
          await step("getClassification", 400, noHeader);
          await step("cancelClassification", 400, noHeader);

          const started = await step("startClassification", 200);
          expect(started).to.deep.equal({ "Accounts submitted for processing": sim.admin.listAccounts(HR).length });
          await step("startClassification", 400);
          const status = await step("getClassification", 200);
          expect((status as SourceClassificationStatus).status).to.be.oneOf(["STARTED", "COLLECTED"]);
          await step("cancelClassification", 204);
          const cancelled = await step("getClassification", 200);
          expect((cancelled as SourceClassificationStatus).status).to.equal("CANCELLED");
        },
      );
    });
  }

  describeGateErrors(ROUTES_UNDER_TEST, () => ({ sim, http, checker }));

  describe("coverage", () => {
    it("saw every expected status of every operation in both generations", () => {
      expect(checker.missing(ROUTES_UNDER_TEST)).to.deep.equal([]);
    });
  });
});
