import { expect } from "chai";
import { peakRssOfProcess, statusFieldBytes } from "../../../scripts/lib/memory";
import { soakChecks, soakFaults } from "../../../scripts/lib/soak-checks";

describe("peak memory from /proc", () => {
  it("reads VmHWM in bytes", () => {
    expect(statusFieldBytes("Name:\tnode\nVmHWM:\t  123456 kB\nVmRSS:\t 1000 kB\n", "VmHWM")).to.equal(123456 * 1024);
    expect(statusFieldBytes("Name:\tnode\n", "VmHWM")).to.equal(undefined);
  });

  it("finds this process's peak where /proc exists", function () {
    if (process.platform !== "linux") this.skip();
    expect(peakRssOfProcess(process.pid)).to.be.greaterThan(10 * 1024 * 1024);
  });
});

describe("soak checks", () => {
  const clean = { duplicates: [], orphans: [], missing: [], phantoms: [], strays: [], drifted: [] };
  const fine = {
    failures: 3,
    unclear: 0,
    leaking: [] as string[],
    converged: true,
    injected: { serverErrorsOrResets: 5, throttled: 2 },
  };

  it("pass when nothing is wrong", () => {
    expect(soakChecks(clean, fine).filter((c) => !c.pass)).to.deep.equal([]);
  });

  it(
    "fail on an orphan, a duplicate, a missing account, an unclear message, a leaked secret, no convergence, or " +
      "no faults",
    () => {
      const failing = (r: typeof clean | Record<string, unknown[]>, o: typeof fine) =>
        soakChecks({ ...clean, ...r }, o)
          .filter((c) => !c.pass)
          .map((c) => c.name);
      expect(failing({ orphans: [{}] }, fine)).to.deep.equal(["orphans (on the tenant, unknown to state)"]);
      expect(failing({ duplicates: [{}] }, fine)).to.deep.equal(["duplicates (same source + nativeIdentity twice)"]);
      expect(failing({ missing: [{}] }, fine)).to.deep.equal(["missing (declared, not on the tenant)"]);
      expect(failing(clean, { ...fine, unclear: 1 })).to.deep.equal(["every failure names its account or task"]);
      expect(failing(clean, { ...fine, leaking: ["state"] })).to.deep.equal([
        "no secret in errors, plugin output or state",
      ]);
      expect(failing(clean, { ...fine, converged: false })).to.deep.equal([
        "convergence (clean up, then nothing to do)",
      ]);
      expect(failing(clean, { ...fine, injected: { serverErrorsOrResets: 0, throttled: 0 } })).to.deep.equal([
        "faults were injected",
      ]);
    },
  );

  it("scales token expiry and visibility delay with the clock and splits 5xx into before and after applying", () => {
    const faults = soakFaults({ errorRate: 0.1, taskErrorRate: 0.03, timeScale: 0.1 });
    expect(faults.tokenExpiryMs).to.equal(6_000);
    expect(faults.visibilityDelayMs).to.equal(200);
    expect(faults.errorRate! + faults.errorAfterApplyRate!).to.be.closeTo(0.1, 1e-9);
    expect(faults.errorAfterApplyRate).to.be.greaterThan(0);
    expect(faults.taskErrorRate).to.equal(0.03);
  });
});
