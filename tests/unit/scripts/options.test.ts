import { expect } from "chai";
import * as sinon from "sinon";
import { parseBenchOptions, parseSoakOptions, scaledTimings } from "../../../scripts/lib/options";

describe("bench and soak options", () => {
  it("defaults to 500 accounts, 16 at once, time scale 0.5 for the bench (0.1 for the soak)", () => {
    expect(parseSoakOptions([]).timeScale).to.equal(0.1);
    expect(parseBenchOptions([])).to.deep.equal({
      accounts: 500,
      parallel: 16,
      timeScale: 0.5,
      taskMs: 1000,
      json: false,
      updateShare: 0.1,
    });
  });

  it("reads the soak's options, with 300 accounts by default", () => {
    const options = parseSoakOptions(["--accounts", "40", "--time-scale", "0.05", "--json", "--seed", "7"]);
    expect(options).to.include({
      accounts: 40,
      timeScale: 0.05,
      json: true,
      seed: 7,
      parallel: 16,
      errorRate: 0.1,
      timeLimit: 900,
    });
    expect(options).to.include({ continueOnError: false, maxRuns: 60 });
    expect(parseSoakOptions(["--continue-on-error", "--max-runs", "5"])).to.include({
      continueOnError: true,
      maxRuns: 5,
    });
    expect(parseSoakOptions([]).accounts).to.equal(300);
  });

  it("rejects values that make no sense", () => {
    const stderr = sinon.stub(process.stderr, "write"); // commander prints the usage error
    try {
      for (const argv of [
        ["--accounts", "0"],
        ["--accounts", "x"],
        ["--time-scale", "0"],
        ["--update-share", "2"],
        ["--bogus"],
      ]) {
        expect(() => parseBenchOptions(argv), argv.join(" ")).to.throw();
      }
    } finally {
      stderr.restore();
    }
  });

  it("scales task duration with the clock, and polls no faster than the provider allows (50 ms)", () => {
    expect(scaledTimings({ timeScale: 0.1, taskMs: 1000 })).to.deep.equal({ taskDelayMs: 100, pollIntervalMs: 50 });
    expect(scaledTimings({ timeScale: 1, taskMs: 1000 })).to.deep.equal({ taskDelayMs: 1000, pollIntervalMs: 500 });
    expect(scaledTimings({ timeScale: 0.01, taskMs: 1000 })).to.deep.equal({ taskDelayMs: 10, pollIntervalMs: 50 });
  });
});
