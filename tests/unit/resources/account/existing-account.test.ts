import { expect } from "chai";
import type { DesiredAccount } from "../../../../provider/engine/account-plan";
import { decideOnExisting, differencesFromOwnCreate } from "../../../../provider/resources/account/existing-account";
import { iscAccount } from "../../../support/accounts";

const desired = (extra: Partial<DesiredAccount> = {}): DesiredAccount => ({
  sourceId: "src",
  nativeIdentity: "kay",
  attributes: { id: "kay", email: "kay@example.com", groups: ["a", "b"] },
  enabled: true,
  unlock: false,
  ...extra,
});
const stored = (extra: Parameters<typeof iscAccount>[3] = {}) =>
  iscAccount("acc1", "src", "kay", {
    attributes: { id: "kay", email: "kay@example.com", groups: ["b", "a"] },
    ...extra,
  });
const context = {
  adopt: false,
  identityAttribute: "id",
  label: 'account "kay" on source src',
  claimedInThisRun: () => false,
};

describe("account: what a create does with an existing account", () => {
  it("sees no difference in what this declaration's own create leaves before correlating or disabling", () => {
    expect(differencesFromOwnCreate(stored(), desired({ identityId: "ident1", enabled: false }), "id")).to.deep.equal(
      [],
    );
    expect(
      differencesFromOwnCreate(stored({ identityId: "ident1" }), desired({ identityId: "ident1" }), "id"),
    ).to.deep.equal([]);
  });

  it("names extra or different attributes, another correlation and a disabled account declared enabled", () => {
    const other = stored({
      attributes: { id: "kay", email: "x@example.com", groups: ["a", "b"], department: "Ops" },
      identityId: "ident2",
      disabled: true,
    });
    expect(differencesFromOwnCreate(other, desired({ identityId: "ident1" }), "id")).to.deep.equal([
      "attributes department, email",
      "correlated to ident2, declared ident1",
      "disabled, declared enabled",
    ]);
  });

  it("never takes someone's manually correlated or locked account for an own create (adopt: true is needed)", () => {
    // Our POST never correlates manually nor locks; only our PATCH to the declared identity correlates manually.
    expect(
      differencesFromOwnCreate(stored({ identityId: "ident2", manuallyCorrelated: true }), desired(), "id"),
    ).to.deep.equal(["manually correlated to ident2, correlation not declared"]);
    expect(differencesFromOwnCreate(stored({ locked: true }), desired(), "id")).to.deep.equal([
      "locked (a create never leaves an account locked)",
    ]);
    expect(
      differencesFromOwnCreate(
        stored({ identityId: "ident1", manuallyCorrelated: true }),
        desired({ identityId: "ident1" }),
        "id",
      ),
    ).to.deep.equal([]);
    expect(
      differencesFromOwnCreate(stored({ identityId: "ident9" }), desired(), "id"),
      "correlated by the source's rules",
    ).to.deep.equal([]);
    const decision = decideOnExisting(
      { exact: [stored({ identityId: "ident2", manuallyCorrelated: true, locked: true })], otherCase: [] },
      desired(),
      context,
    );
    expect(decision).to.have.property("kind", "refuse");
    expect(decision.kind === "refuse" && decision.message)
      .to.contain("manually correlated to ident2")
      .and.contain("locked")
      .and.contain("adopt: true");
  });

  it("adopts an own-create look-alike, refuses one claimed in this run, and never takes a case variant", () => {
    expect(decideOnExisting({ exact: [stored()], otherCase: [] }, desired(), context)).to.include({
      kind: "adopt",
      why: "interrupted create",
    });
    expect(
      decideOnExisting({ exact: [stored()], otherCase: [] }, desired(), { ...context, claimedInThisRun: () => true }),
    ).to.have.property("kind", "refuse");
    const variant = iscAccount("acc2", "src", "KAY");
    const decision = decideOnExisting({ exact: [], otherCase: [variant] }, desired(), { ...context, adopt: true });
    expect(decision).to.have.property("kind", "refuse");
    expect(decision.kind === "refuse" && decision.message)
      .to.contain('declare nativeIdentity: "KAY"')
      .and.contain("acc2");
  });
});
