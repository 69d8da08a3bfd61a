import { expect } from "chai";
import {
  createTimeTarget,
  phaseTargets,
  refreshRequestsTarget,
  throttledShareTarget,
} from "../../../scripts/lib/targets";

describe("bench targets", () => {
  it("allows a refresh ceil(N/250) + 5 v3 requests, and no more", () => {
    expect(refreshRequestsTarget(500, 7)).to.include({ limit: 7, pass: true });
    expect(refreshRequestsTarget(500, 8)).to.include({ limit: 7, pass: false });
    expect(refreshRequestsTarget(501, 8)).to.include({ limit: 8, pass: true });
    expect(refreshRequestsTarget(20, 6)).to.include({ limit: 6, pass: true });
  });

  it("allows 429s on at most 1% of requests", () => {
    expect(throttledShareTarget(10, 1000)).to.include({ pass: true, actual: 0.01 });
    expect(throttledShareTarget(11, 1000).pass).to.equal(false);
    expect(throttledShareTarget(0, 0).pass).to.equal(true);
  });

  it("wants create within 1.3x of its bound", () => {
    expect(createTimeTarget(6_500, 5_000)).to.include({ pass: true, actual: 1.3 });
    expect(createTimeTarget(6_600, 5_000)).to.include({ pass: false, actual: 1.32 });
    expect(createTimeTarget(100, 0).pass).to.equal(false);
  });

  it("judges every phase's 429 share, plus create's time and refresh's request count", () => {
    const figures = { accounts: 500, wallMs: 6_000, boundMs: 5_000, v3Requests: 4, throttled: 0, totalRequests: 100 };
    const names = (phase: string) => phaseTargets(phase, figures).map((t) => t.name);
    expect(names("create")).to.deep.equal(["429 share", "create wall/bound"]);
    expect(names("refresh")).to.deep.equal(["429 share", "refresh v3 requests"]);
    expect(names("update")).to.deep.equal(["429 share"]);
    expect(names("delete")).to.deep.equal(["429 share"]);
    expect(phaseTargets("delete", { ...figures, throttled: 2 })[0].pass).to.equal(false);
  });
});
