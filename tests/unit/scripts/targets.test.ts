import { expect } from "chai";
import {
  createTimeTarget,
  lookupsAfterCreateTarget,
  phaseTargets,
  pluginMemoryTarget,
  providerSizeTarget,
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

  it("wants create within 1.15x of its bound", () => {
    expect(createTimeTarget(5_750, 5_000)).to.include({ pass: true, actual: 1.15 });
    expect(createTimeTarget(5_800, 5_000)).to.include({ pass: false, actual: 1.16 });
    expect(createTimeTarget(100, 0).pass).to.equal(false);
  });

  it("allows one lookup per 50 created accounts, a 1 KB provider text and a 400 MiB plugin", () => {
    expect(lookupsAfterCreateTarget(500, 10)).to.include({ limit: 10, pass: true });
    expect(lookupsAfterCreateTarget(500, 11).pass).to.equal(false);
    expect(lookupsAfterCreateTarget(5_000, 100)).to.include({ limit: 100, pass: true });
    expect(providerSizeTarget(1_024).pass).to.equal(true);
    expect(providerSizeTarget(1_025).pass).to.equal(false);
    expect(pluginMemoryTarget(400 * 1024 * 1024).pass).to.equal(true);
    expect(pluginMemoryTarget(401 * 1024 * 1024)).to.include({ actual: 401, pass: false });
  });

  it("judges every phase's 429 share and plugin memory, plus each phase's own targets", () => {
    const figures = {
      accounts: 500,
      operations: 500,
      wallMs: 6_000,
      boundMs: 5_000,
      v3Requests: 4,
      v3Required: 4,
      lookupsAfterCreate: 0,
      schemaReads: 2,
      sources: 2,
      throttled: 0,
      totalRequests: 100,
      pluginPeakRssBytes: 100 * 1024 * 1024,
    };
    const names = (phase: string) => phaseTargets(phase, figures).map((t) => t.name);
    const common = ["429 share", "plugin peak MiB"];
    expect(names("create")).to.deep.equal([...common, "create wall/bound", "create lookups after create"]);
    expect(names("preview")).to.deep.equal([...common, "preview schema reads"]);
    expect(names("refresh")).to.deep.equal([...common, "refresh v3 requests"]);
    expect(names("update")).to.deep.equal([...common, "update v3 requests / required", "update wall/bound"]);
    expect(names("delete")).to.deep.equal(common);
    expect(phaseTargets("delete", { ...figures, throttled: 2 })[0].pass).to.equal(false);
    expect(phaseTargets("preview", { ...figures, schemaReads: 3 })[2].pass).to.equal(false);
    expect(phaseTargets("update", { ...figures, v3Requests: 5 })[2]).to.include({ actual: 1.25, pass: false });
  });
});
