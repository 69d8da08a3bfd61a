import { expect } from "chai";
import {
  DEMO_SOURCES,
  accountSpecs,
  accountsPerSource,
  pickShare,
  seededRandom,
  withChangedEmail,
} from "../../../scripts/lib/workload";

describe("bench and soak workload", () => {
  const ids = DEMO_SOURCES.map((s) => s.id);

  it("spreads accounts over both flat-file sources with unique nativeIdentities unlike their resource names", () => {
    const specs = accountSpecs(11, "w");
    expect(accountsPerSource(specs, ids)).to.deep.equal([6, 5]);
    expect(new Set(specs.map((s) => s.nativeIdentity)).size).to.equal(11);
    expect(specs[3]).to.include({ name: "w-res-03", nativeIdentity: "w.03", sourceId: ids[1] });
    expect(specs[3].attributes).to.deep.equal({
      displayName: "w user 03",
      email: "w.03@example.com",
      company: "initial",
    });
    expect(specs.every((s) => s.name !== s.nativeIdentity)).to.equal(true);
  });

  it("changes the email of the chosen accounts only", () => {
    const specs = accountSpecs(10, "w");
    const { specs: changed, changed: count } = withChangedEmail(specs, (_s, i) => i % 5 === 0, "v2");
    expect(count).to.equal(2);
    expect(changed[0].attributes.email).to.equal("w.0+v2@example.com");
    expect(changed[1]).to.equal(specs[1]);
  });

  it("picks the same share of distinct items for the same seed", () => {
    const items = Array.from({ length: 300 }, (_v, i) => i);
    const a = pickShare(items, 1 / 3, seededRandom(1));
    expect(a).to.have.length(100);
    expect(new Set(a).size).to.equal(100);
    expect(pickShare(items, 1 / 3, seededRandom(1))).to.deep.equal(a);
    expect(pickShare(items, 1 / 3, seededRandom(2))).to.not.deep.equal(a);
  });
});
