import { expect } from "chai";
import { reconcile, type DeclaredAccount, type TenantAccount } from "../../../scripts/lib/accounting";

const S = "5f0a1c9e3b7d4e2a8c6f0b1d2e3f4a51";

function declared(name: string, nativeIdentity: string, email = `${nativeIdentity}@x`): DeclaredAccount {
  return { name, sourceId: S, nativeIdentity, attributes: { email } };
}

function onTenant(id: string, nativeIdentity: string, email = `${nativeIdentity}@x`): TenantAccount {
  return { id, sourceId: S, nativeIdentity, attributes: { id: nativeIdentity, email } };
}

describe("soak accounting", () => {
  it("finds nothing wrong when tenant, state and declarations agree (pre-existing accounts ignored)", () => {
    const r = reconcile({
      declared: [declared("a", "u.1")],
      state: [{ name: "a", id: "A" }],
      tenant: [onTenant("A", "u.1"), onTenant("SEED", "seed.1")],
      preexistingIds: new Set(["SEED"]),
    });
    expect(r).to.deep.equal({ duplicates: [], orphans: [], missing: [], phantoms: [], strays: [], drifted: [] });
  });

  it(
    "reports two accounts with the same source and nativeIdentity as a duplicate, and the untracked one as " +
      "an orphan",
    () => {
      const r = reconcile({
        declared: [declared("a", "u.1")],
        state: [{ name: "a", id: "A" }],
        tenant: [onTenant("A", "u.1"), onTenant("B", "u.1")],
        preexistingIds: new Set(),
      });
      expect(r.duplicates).to.deep.equal([{ sourceId: S, nativeIdentity: "u.1", ids: ["A", "B"] }]);
      expect(r.orphans.map((o) => o.id)).to.deep.equal(["B"]);
    },
  );

  it("reports an account state does not know as an orphan, declared or not", () => {
    const r = reconcile({
      declared: [declared("a", "u.1")],
      state: [],
      tenant: [onTenant("A", "u.1"), onTenant("X", "leftover")],
      preexistingIds: new Set(),
    });
    expect(r.orphans.map((o) => o.id)).to.deep.equal(["A", "X"]);
    expect(r.missing).to.deep.equal([]);
  });

  it("reports declared accounts the tenant lacks as missing, and state entries without an account as phantoms", () => {
    const r = reconcile({
      declared: [declared("a", "u.1"), declared("b", "u.2")],
      state: [
        { name: "a", id: "A" },
        { name: "b", id: "GONE" },
      ],
      tenant: [onTenant("A", "u.1")],
      preexistingIds: new Set(),
    });
    expect(r.missing.map((m) => m.name)).to.deep.equal(["b"]);
    expect(r.phantoms).to.deep.equal([{ name: "b", id: "GONE" }]);
  });

  it("reports resources still in state but no longer declared as strays", () => {
    const r = reconcile({
      declared: [],
      state: [{ name: "old", id: "A" }],
      tenant: [onTenant("A", "u.1")],
      preexistingIds: new Set(),
    });
    expect(r.strays).to.deep.equal([{ name: "old", id: "A" }]);
  });

  it("reports wrong attribute values and a state id that is not the tenant's", () => {
    const r = reconcile({
      declared: [declared("a", "u.1", "new@x"), declared("b", "u.2")],
      state: [
        { name: "a", id: "A" },
        { name: "b", id: "A" },
      ],
      tenant: [onTenant("A", "u.1", "old@x"), onTenant("B", "u.2")],
      preexistingIds: new Set(),
    });
    expect(r.drifted).to.deep.equal([
      { name: "a", reason: "attributes differ: email" },
      { name: "b", reason: "state has id A, the tenant B" },
    ]);
  });

  it("compares multi-valued attributes as sets", () => {
    const account = { id: "A", sourceId: S, nativeIdentity: "u.1", attributes: { groups: ["b", "a"] } };
    const same = reconcile({
      declared: [{ name: "a", sourceId: S, nativeIdentity: "u.1", attributes: { groups: ["a", "b"] } }],
      state: [{ name: "a", id: "A" }],
      tenant: [account],
      preexistingIds: new Set(),
    });
    expect(same.drifted).to.deep.equal([]);
    const different = reconcile({
      declared: [{ name: "a", sourceId: S, nativeIdentity: "u.1", attributes: { groups: ["a"] } }],
      state: [{ name: "a", id: "A" }],
      tenant: [account],
      preexistingIds: new Set(),
    });
    expect(different.drifted).to.have.length(1);
  });
});
