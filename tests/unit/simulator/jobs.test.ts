/** Source-level jobs of the simulator: classification and the uncorrelated-accounts CSV load. */
import { expect } from "chai";
import * as sinon from "sinon";
import type {
  ErrorResponseDto,
  LoadUncorrelatedAccountsTask,
  SourceClassificationStatus,
} from "../../../provider/client/types";
import { ClassificationTracker } from "../../../simulator/classify";
import { CsvFileError, parseUncorrelatedCsv } from "../../../simulator/csv-load";
import { DEMO_IDS, demoSeed } from "../../../simulator/index";
import type { SourceRecord } from "../../../simulator/model";
import { useSimulator } from "../../support/simulator-http";

const HR = DEMO_IDS.hrSource;
/** The simulator's taskDelayMs: each classification phase lasts this long. */
const CLASSIFY_STEP_MS = 30;
const EXPERIMENTAL = { "X-SailPoint-Experimental": "true" };

const hrSource: SourceRecord = {
  id: HR,
  name: "HR",
  description: "",
  type: "DelimitedFile",
  identityAttribute: "id",
  displayAttribute: "displayName",
  ownerIdentityId: null,
  created: "2026-01-01T00:00:00.000Z",
  modified: "2026-01-01T00:00:00.000Z",
  attributes: [
    { name: "id", type: "STRING", isMulti: false, isEntitlement: false, isGroup: false, description: "" },
    { name: "displayName", type: "STRING", isMulti: false, isEntitlement: false, isGroup: false, description: "" },
    { name: "groups", type: "STRING", isMulti: true, isEntitlement: true, isGroup: true, description: "" },
  ],
};

function csvForm(csv: string, field = "file"): FormData {
  const form = new FormData();
  form.append(field, new Blob([csv], { type: "text/csv" }), "accounts.csv");
  return form;
}

describe("simulator jobs", () => {
  describe("classification progress (ClassificationTracker)", () => {
    it("moves STARTED -> COLLECTED -> COMPLETED with counts rising, one step per phase", () => {
      const tracker = new ClassificationTracker(() => 100);
      tracker.start("s", 10, 0);
      const at = (ms: number) => tracker.status("s", ms) as SourceClassificationStatus;
      expect(at(0)).to.deep.include({ status: "STARTED", counts: { EXPECTED: 10, RECEIVED: 0, COMPLETED: 0 } });
      expect(at(50)).to.deep.include({ status: "STARTED", counts: { EXPECTED: 10, RECEIVED: 5, COMPLETED: 0 } });
      expect(at(130)).to.deep.include({ status: "COLLECTED", counts: { EXPECTED: 10, RECEIVED: 10, COMPLETED: 3 } });
      expect(at(250)).to.deep.include({ status: "COMPLETED", counts: { EXPECTED: 10, RECEIVED: 10, COMPLETED: 10 } });
      expect(tracker.isRunning("s", 150)).to.equal(true);
      expect(tracker.isRunning("s", 250)).to.equal(false);
    });

    it("freezes a cancelled run as CANCELLED", () => {
      const tracker = new ClassificationTracker(() => 100);
      tracker.start("s", 4, 0);
      expect(tracker.cancel("s", 150)).to.equal(true);
      expect(tracker.status("s", 1000)).to.deep.include({
        status: "CANCELLED",
        counts: { EXPECTED: 4, RECEIVED: 4, COMPLETED: 2 },
      });
      expect(tracker.cancel("s", 1000)).to.equal(false);
    });
  });

  describe("classify over HTTP", () => {
    const context = useSimulator({ taskDelayMs: CLASSIFY_STEP_MS });
    beforeEach(() => context().sim.admin.seed(demoSeed()));
    const classify = (method: string, sourceId: string = HR, headers: Record<string, string> = EXPERIMENTAL) =>
      context().http.call(method, `/v2025/sources/${sourceId}/classify`, { headers });

    it("needs X-SailPoint-Experimental: true", async () => {
      const response = await classify("POST", HR, {});
      expect(response.status).to.equal(400);
      expect((response.body as ErrorResponseDto).messages?.[0].text).to.match(/X-SailPoint-Experimental/);
    });

    it("goes STARTED, COLLECTED, COMPLETED over the source's accounts; refuses a second start meanwhile", async () => {
      // A run's phase is computed from elapsed time: the test moves the time (Date only; sockets and timers stay
      // real), so a slow machine cannot skip past STARTED before the first GET.
      const clock = sinon.useFakeTimers({ toFake: ["Date"], now: Date.now() });
      try {
        const status = async () => ((await classify("GET")).body as SourceClassificationStatus).status;
        expect((await classify("GET")).status).to.equal(404);
        const started = await classify("POST");
        expect(started.status).to.equal(200);
        expect(started.body).to.deep.equal({ "Accounts submitted for processing": 2 });
        expect((await classify("POST")).status).to.equal(400);
        expect(await status()).to.equal("STARTED");
        clock.tick(CLASSIFY_STEP_MS);
        expect(await status()).to.equal("COLLECTED");
        expect((await classify("POST")).status, "still running").to.equal(400);
        clock.tick(CLASSIFY_STEP_MS);
        const done = await classify("GET");
        expect((done.body as SourceClassificationStatus).status).to.equal("COMPLETED");
        expect((done.body as SourceClassificationStatus).counts).to.deep.equal({
          EXPECTED: 2,
          RECEIVED: 2,
          COMPLETED: 2,
        });
        expect((await classify("DELETE")).status, "nothing to cancel").to.equal(400);
        expect((await classify("POST")).status, "a finished run can be restarted").to.equal(200);
        expect((await classify("DELETE")).status).to.equal(204);
        expect(await status()).to.equal("CANCELLED");
      } finally {
        clock.restore();
      }
    });

    it("answers 404 for GET and 400 for POST on an unknown source", async () => {
      expect((await classify("GET", "ffffffffffffffffffffffffffffffff")).status).to.equal(404);
      expect((await classify("POST", "ffffffffffffffffffffffffffffffff")).status).to.equal(400);
    });
  });

  describe("uncorrelated accounts CSV (parseUncorrelatedCsv)", () => {
    it("reads rows, multi-valued [a,b] cells, and ignores columns outside the schema", () => {
      const parsed = parseUncorrelatedCsv('id,displayName,groups,extra\nA1,Ann,"[g1, g2]",x\nA2,,g3,\n', hrSource);
      expect(parsed.rowErrors).to.deep.equal([]);
      expect(parsed.rows.map((row) => row.attributes)).to.deep.equal([
        { id: "A1", displayName: "Ann", groups: ["g1", "g2"] },
        { id: "A2", groups: ["g3"] },
      ]);
    });

    it("reports rows without an identity value and duplicate rows", () => {
      const parsed = parseUncorrelatedCsv("id,displayName\n,No id\nA1,One\nA1,Again\n", hrSource);
      expect(parsed.rows.map((row) => row.nativeIdentity)).to.deep.equal(["A1"]);
      expect(parsed.rowErrors).to.have.length(2);
      expect(parsed.rowErrors[0]).to.match(/^line 2: no value/);
      expect(parsed.rowErrors[1]).to.match(/^line 4: "A1" appears more than once/);
    });

    it("refuses a file without the identity column, an empty file and broken CSV", () => {
      expect(() => parseUncorrelatedCsv("displayName\nAnn\n", hrSource)).to.throw(CsvFileError, /no column "id"/);
      expect(() => parseUncorrelatedCsv("", hrSource)).to.throw(CsvFileError, /empty/);
      expect(() => parseUncorrelatedCsv('id,displayName\nA1,"unterminated\n', hrSource)).to.throw(
        CsvFileError,
        /not valid CSV/,
      );
      expect(() => parseUncorrelatedCsv("id,displayName\nA1,Ann,extra\n", hrSource)).to.throw(
        CsvFileError,
        /not valid CSV/,
      );
    });
  });

  describe("load-uncorrelated-accounts over HTTP", () => {
    const context = useSimulator({ taskDelayMs: 20 });
    beforeEach(() => context().sim.admin.seed(demoSeed()));
    const load = (body: FormData | string, sourceId: string = HR) =>
      context().http.call(
        "POST",
        `/v2025/sources/${sourceId}/load-uncorrelated-accounts`,
        typeof body === "string" ? { json: { file: body } } : { raw: body },
      );

    it(
      "creates uncorrelated AGGREGATED accounts, updates existing ones keeping their correlation, and " +
        "reports counts",
      async () => {
        const csv = [
          "id,displayName,email,department,groups",
          "E1001,Ada L.,,,[admins]",
          "E1002,Grace Hopper,grace@example.com,Research,",
          "N1,New One,,,",
          ",No id,,,",
        ].join("\n");
        const response = await load(csvForm(csv));
        expect(response.status).to.equal(202);
        const body = response.body as LoadUncorrelatedAccountsTask;
        expect(body).to.deep.include({ success: true });
        expect(body.task).to.include({
          type: "QUARTZ",
          name: "Cloud Process Uncorrelated Accounts",
          completionStatus: null,
        });
        const task = await context().http.waitForTask(body.task?.id as string);
        expect(task.completionStatus).to.equal("WARNING");
        expect(task.attributes).to.deep.equal({ total: 4, created: 1, updated: 1, unchanged: 1, errors: 1 });
        expect(task.messages.map((m) => m.type)).to.deep.equal(["WARN"]);
        expect(task.returns.map((r) => r.attributeName)).to.include.members(["total", "created", "updated", "errors"]);

        const accounts = context().sim.admin.listAccounts(HR);
        const ada = accounts.find((a) => a.nativeIdentity === "E1001");
        expect(ada).to.deep.include({ identityId: DEMO_IDS.identities.adaLovelace, name: "Ada L." });
        expect(ada?.attributes).to.deep.equal({ id: "E1001", displayName: "Ada L.", groups: ["admins"] });
        expect(accounts.find((a) => a.nativeIdentity === "N1")).to.include({
          origin: "AGGREGATED",
          uncorrelated: true,
        });
      },
    );

    it("ends the task in ERROR with messages for a file it cannot read", async () => {
      const response = await load(csvForm("displayName\nNobody\n"));
      expect(response.status).to.equal(202);
      const task = await context().http.waitForTask((response.body as LoadUncorrelatedAccountsTask).task?.id as string);
      expect(task.completionStatus).to.equal("ERROR");
      expect(task.messages[0].localizedText?.message).to.match(/no column "id"/);
    });

    it("answers 400 without multipart, without a file field, or for a non-flat-file or unknown source", async () => {
      expect((await load("id\nA\n")).status).to.equal(400);
      expect((await load(csvForm("id\nA\n", "upload"))).status).to.equal(400);
      expect((await load(csvForm("id\nA\n"), "ffffffffffffffffffffffffffffffff")).status).to.equal(400);
      context().sim.admin.seed({
        sources: [{ id: "ad", name: "AD", type: "Active Directory - Direct", identityAttribute: "dn" }],
      });
      expect((await load(csvForm("dn\nA\n"), "ad")).status).to.equal(400);
    });
  });
});
