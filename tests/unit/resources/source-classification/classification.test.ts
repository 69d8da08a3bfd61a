import { expect } from "chai";
import type { SourceClassificationStatus } from "../../../../provider/client/types";
import { diffClassification } from "../../../../provider/resources/source-classification/diff";
import { validateClassificationInputs } from "../../../../provider/resources/source-classification/inputs";
import {
  ClassificationEndedError,
  ClassificationTimeoutError,
  watchClassification,
} from "../../../../provider/resources/source-classification/watch";
import { UNKNOWN } from "../../../../provider/resources/shared/unknown";

const SOURCE = "2c9180835d2e5168015d32f890ca1581";

function status(
  s: SourceClassificationStatus["status"],
  started: string,
  expected: number,
  received: number,
  completed: number,
): SourceClassificationStatus {
  return { status: s, started, counts: { EXPECTED: expected, RECEIVED: received, COMPLETED: completed } };
}

/** A read that answers the given statuses in turn, then repeats the last one. */
function sequence(
  ...answers: Array<SourceClassificationStatus | undefined>
): () => Promise<SourceClassificationStatus | undefined> {
  let i = 0;
  return async () => answers[Math.min(i++, answers.length - 1)];
}

const fast = { timeoutMs: 2000, pollIntervalMs: 5 };

describe("jobs: SourceClassification", () => {
  describe("inputs", () => {
    it("names missing sourceId, non-string trigger and bad run options", () => {
      const failures = validateClassificationInputs({ trigger: 3, timeoutSeconds: -1, pollIntervalMs: 10 });
      expect(failures.map((f) => f.property)).to.have.members([
        "sourceId",
        "trigger",
        "timeoutSeconds",
        "pollIntervalMs",
      ]);
    });

    it("accepts a minimal input and unknown values during preview", () => {
      expect(validateClassificationInputs({ sourceId: SOURCE })).to.deep.equal([]);
      expect(validateClassificationInputs({ sourceId: UNKNOWN, trigger: UNKNOWN })).to.deep.equal([]);
    });
  });

  describe("diff", () => {
    const olds = {
      sourceId: SOURCE,
      status: "COMPLETED",
      trigger: "v1",
      counts: { expected: 1, received: 1, completed: 1 },
    };

    it("does nothing when the trigger is the same, even if run options change", () => {
      expect(diffClassification(olds, { sourceId: SOURCE, trigger: "v1", timeoutSeconds: 5 })).to.deep.equal({
        changes: false,
      });
    });

    it("runs again when the trigger changes, is removed or is not known yet", () => {
      expect(diffClassification(olds, { sourceId: SOURCE, trigger: "v2" })).to.deep.equal({ changes: true });
      expect(diffClassification(olds, { sourceId: SOURCE })).to.deep.equal({ changes: true });
      expect(diffClassification(olds, { sourceId: SOURCE, trigger: UNKNOWN })).to.deep.equal({ changes: true });
    });

    it("replaces when the source changes", () => {
      expect(diffClassification(olds, { sourceId: "2c9180835d2e5168015d32f890ca1582", trigger: "v1" })).to.deep.equal({
        changes: true,
        replaces: ["sourceId"],
      });
    });

    it("finishes a run whose wait timed out (stored status not COMPLETED)", () => {
      expect(diffClassification({ ...olds, status: "COLLECTED" }, { sourceId: SOURCE, trigger: "v1" })).to.deep.equal({
        changes: true,
      });
    });
  });

  describe("waiting for a run", () => {
    it("ignores the previous run's status until the new run shows, reports progress, returns COMPLETED", async () => {
      const old = status("COMPLETED", "2026-01-01T00:00:00Z", 5, 5, 5);
      const seen: string[] = [];
      const final = await watchClassification(
        SOURCE,
        sequence(
          old,
          status("STARTED", "2026-02-01T00:00:00Z", 10, 0, 0),
          status("COLLECTED", "2026-02-01T00:00:00Z", 10, 10, 4),
          status("COMPLETED", "2026-02-01T00:00:00Z", 10, 10, 10),
        ),
        { ...fast, previousStarted: old.started, onProgress: (s) => seen.push(`${s.status} ${s.counts?.COMPLETED}`) },
      );
      expect(final.counts).to.deep.equal({ EXPECTED: 10, RECEIVED: 10, COMPLETED: 10 });
      expect(seen).to.deep.equal(["STARTED 0", "COLLECTED 4", "COMPLETED 10"]);
    });

    it("fails on CANCELLED or TERMINATED naming the source and the last counts", async () => {
      for (const end of ["CANCELLED", "TERMINATED"] as const) {
        const err = await watchClassification(SOURCE, sequence(status(end, "s", 10, 6, 3)), fast).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(ClassificationEndedError);
        expect((err as Error).message).to.equal(
          `classification of source ${SOURCE} ended ${end} (10 expected, 6 received, 3 classified)`,
        );
      }
    });

    it("times out with the last status of the run", async () => {
      const err = await watchClassification(SOURCE, sequence(status("COLLECTED", "s", 10, 10, 2)), {
        timeoutMs: 60,
        pollIntervalMs: 5,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ClassificationTimeoutError);
      expect((err as Error).message)
        .to.contain("did not finish")
        .and.contain("last status: COLLECTED (10 expected, 10 received, 2 classified)");
    });

    it("times out saying the run never showed when only the previous run is visible", async () => {
      const old = status("COMPLETED", "old", 1, 1, 1);
      const err = await watchClassification(SOURCE, sequence(old), {
        timeoutMs: 50,
        pollIntervalMs: 5,
        previousStarted: "old",
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as Error).message).to.contain("ISC never reported this run's status");
    });
  });
});
