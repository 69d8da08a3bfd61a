import { expect } from "chai";
import { createTimeTarget, refreshRequestsTarget, throttledShareTarget } from "../../../scripts/lib/targets";

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
});
