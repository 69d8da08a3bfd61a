import { expect } from "chai";
import {
  mergedAttributes,
  planAccountChanges,
  replacementFor,
  type CurrentAccount,
  type DesiredAccount,
} from "../../../provider/engine/account-plan";
import {
  attributeValuesEqual,
  canonicalAttributeValue,
  managedAttributeValues,
} from "../../../provider/engine/normalize";

const ID = "0123456789abcdef0123456789abcdef";
const SOURCE = "2c9180857df6aa8f017e1a4fb1e20a5b";
const IDENTITY_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const IDENTITY_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

function desired(overrides: Partial<DesiredAccount> = {}): DesiredAccount {
  return { sourceId: SOURCE, nativeIdentity: "jdoe", attributes: {}, enabled: true, unlock: false, ...overrides };
}

function current(overrides: Partial<CurrentAccount> = {}): CurrentAccount {
  return {
    id: ID,
    attributes: { id: "jdoe", email: "jdoe@example.com", groups: ["vpn", "contractors"], title: "Engineer" },
    identityId: null,
    manuallyCorrelated: false,
    disabled: false,
    locked: false,
    ...overrides,
  };
}

describe("normalize: attribute values", () => {
  it("treats a string and a one-element list as equal", () => {
    expect(attributeValuesEqual("a", ["a"])).to.equal(true);
  });
  it("ignores the order and duplicates of multi-valued attributes", () => {
    expect(attributeValuesEqual(["b", "a", "a"], ["a", "b"])).to.equal(true);
    expect(attributeValuesEqual(["a", "b"], ["a", "c"])).to.equal(false);
  });
  it("treats null, undefined, empty string and empty list as absent", () => {
    for (const absent of [null, undefined, "", []]) {
      expect(canonicalAttributeValue(absent)).to.deep.equal([]);
      expect(attributeValuesEqual(absent, null)).to.equal(true);
    }
    expect(attributeValuesEqual("x", null)).to.equal(false);
  });
  it("compares numbers and booleans read from ISC by their string form", () => {
    expect(attributeValuesEqual(42, "42")).to.equal(true);
    expect(attributeValuesEqual(true, "true")).to.equal(true);
  });
  it("renders managed values stably: string for one, sorted list for many, null when absent", () => {
    expect(managedAttributeValues(["groups", "email", "missing"], { email: "x@y", groups: ["b", "a"] })).to.deep.equal({
      email: "x@y",
      groups: ["a", "b"],
      missing: null,
    });
    expect(managedAttributeValues(["groups"], { groups: ["only"] })).to.deep.equal({ groups: ["only"] });
  });
});

describe("planAccountChanges", () => {
  it("plans nothing when the account already matches", () => {
    const plan = planAccountChanges(
      desired({ attributes: { email: "jdoe@example.com", groups: ["contractors", "vpn"] } }),
      current(),
    );
    expect(plan).to.deep.equal([]);
  });

  it("does not see phantom changes from value shape or order", () => {
    const plan = planAccountChanges(
      desired({ attributes: { groups: ["vpn", "contractors"], title: ["Engineer"] } }),
      current(),
    );
    expect(plan).to.deep.equal([]);
  });

  it("updates attributes with ONE PUT carrying the full set, leaving unmanaged attributes as they are", () => {
    const plan = planAccountChanges(desired({ attributes: { email: "new@example.com", groups: ["vpn"] } }), current());
    expect(plan).to.have.length(1);
    const [put] = plan;
    expect(put.kind).to.equal("put-attributes");
    if (put.kind !== "put-attributes") return;
    expect(put.route).to.equal("putAccount");
    expect(put.params).to.deep.equal({ id: ID });
    expect(put.changed).to.deep.equal(["email", "groups"]);
    expect(put.body).to.deep.equal({
      attributes: { id: "jdoe", email: "new@example.com", groups: ["vpn"], title: "Engineer" },
    });
    expect(put.wait).to.deep.equal({ kind: "task" });
  });

  it("removes an attribute declared as null and ignores one that is already absent", () => {
    const plan = planAccountChanges(desired({ attributes: { title: null, nickname: null } }), current());
    expect(plan).to.have.length(1);
    const put = plan[0];
    if (put.kind !== "put-attributes") throw new Error("expected a PUT");
    expect(put.changed).to.deep.equal(["title"]);
    expect(put.body.attributes).to.not.have.property("title");
    expect(put.body.attributes).to.include({ email: "jdoe@example.com" });
  });

  it("leaves correlation alone when identityId is not declared", () => {
    expect(planAccountChanges(desired(), current({ identityId: IDENTITY_A }))).to.deep.equal([]);
  });

  it("correlates with a JSON Patch replace and waits for the account to show it", () => {
    const plan = planAccountChanges(desired({ identityId: IDENTITY_A }), current());
    expect(plan).to.have.length(1);
    const patch = plan[0];
    if (patch.kind !== "patch-correlation") throw new Error("expected a PATCH");
    expect(patch.contentType).to.equal("application/json-patch+json");
    expect(patch.body).to.deep.equal([{ op: "replace", path: "/identityId", value: IDENTITY_A }]);
    // ISC marks a reassignment as manual unless told otherwise.
    expect(patch.wait).to.deep.equal({ kind: "account", expect: { identityId: IDENTITY_A, manuallyCorrelated: true } });
  });

  it("sends manuallyCorrelated in the same patch when it is declared and differs from what ISC would set", () => {
    const plan = planAccountChanges(
      desired({ identityId: IDENTITY_B, manuallyCorrelated: false }),
      current({ identityId: IDENTITY_A, manuallyCorrelated: true }),
    );
    const patch = plan[0];
    if (patch.kind !== "patch-correlation") throw new Error("expected a PATCH");
    expect(patch.body).to.deep.equal([
      { op: "replace", path: "/identityId", value: IDENTITY_B },
      { op: "replace", path: "/manuallyCorrelated", value: false },
    ]);
    expect(patch.wait.expect).to.deep.equal({ identityId: IDENTITY_B, manuallyCorrelated: false });
  });

  it("uncorrelates with a JSON Patch remove when identityId is null", () => {
    const plan = planAccountChanges(
      desired({ identityId: null }),
      current({ identityId: IDENTITY_A, manuallyCorrelated: true }),
    );
    const patch = plan[0];
    if (patch.kind !== "patch-correlation") throw new Error("expected a PATCH");
    expect(patch.body).to.deep.equal([{ op: "remove", path: "/identityId" }]);
    // Not "manuallyCorrelated stays true": what ISC does to it on uncorrelation is not documented.
    expect(patch.wait.expect).to.deep.equal({ identityId: null });
    expect(patch.description).to.equal("uncorrelate");
  });

  it("changes only manuallyCorrelated when that is the only difference", () => {
    const plan = planAccountChanges(
      desired({ identityId: IDENTITY_A, manuallyCorrelated: false }),
      current({ identityId: IDENTITY_A, manuallyCorrelated: true }),
    );
    const patch = plan[0];
    if (patch.kind !== "patch-correlation") throw new Error("expected a PATCH");
    expect(patch.body).to.deep.equal([{ op: "replace", path: "/manuallyCorrelated", value: false }]);
  });

  it("disables and enables with the toggle body", () => {
    const disable = planAccountChanges(
      desired({ enabled: false, forceProvisioning: true, externalVerificationId: "ext-1" }),
      current(),
    );
    expect(disable).to.have.length(1);
    expect(disable[0]).to.include({ kind: "disable", route: "disableAccount" });
    expect(disable[0].body).to.deep.equal({ forceProvisioning: true, externalVerificationId: "ext-1" });
    const enable = planAccountChanges(desired({ enabled: true }), current({ disabled: true }));
    expect(enable.map((o) => o.kind)).to.deep.equal(["enable"]);
    expect(enable[0].body).to.deep.equal({});
  });

  it("unlocks only when asked and the account is locked", () => {
    expect(planAccountChanges(desired({ unlock: true }), current())).to.deep.equal([]);
    expect(planAccountChanges(desired({ unlock: false }), current({ locked: true }))).to.deep.equal([]);
    expect(planAccountChanges(desired({ unlock: true }), current({ locked: true })).map((o) => o.route)).to.deep.equal([
      "unlockAccount",
    ]);
  });

  it("orders attributes, then correlation, then enabled state, then unlock", () => {
    const plan = planAccountChanges(
      desired({ attributes: { email: "x@example.com" }, identityId: IDENTITY_A, enabled: false, unlock: true }),
      current({ locked: true }),
    );
    expect(plan.map((o) => o.kind)).to.deep.equal(["put-attributes", "patch-correlation", "disable", "unlock"]);
    expect(plan.map((o) => o.description)).to.deep.equal([
      "update attributes email",
      `correlate to identity ${IDENTITY_A}`,
      "disable",
      "unlock",
    ]);
  });

  it("is pure: the inputs are not modified", () => {
    const d = desired({ attributes: { groups: ["x"] }, identityId: IDENTITY_A });
    const c = current();
    const before = JSON.stringify([d, c]);
    planAccountChanges(d, c);
    expect(JSON.stringify([d, c])).to.equal(before);
  });

  it("enumerates every combination of changes in the same fixed order", () => {
    const kinds = ["put-attributes", "patch-correlation", "disable", "unlock"];
    for (let mask = 0; mask < 16; mask++) {
      const d = desired({
        attributes: mask & 1 ? { email: "changed@example.com" } : { email: "jdoe@example.com" },
        identityId: mask & 2 ? IDENTITY_A : null,
        enabled: !(mask & 4),
        unlock: Boolean(mask & 8),
      });
      const plan = planAccountChanges(d, current({ locked: true }));
      const expected = kinds.filter((_k, i) => mask & (1 << i));
      expect(
        plan.map((o) => o.kind),
        `mask ${mask}`,
      ).to.deep.equal(expected);
    }
  });
});

describe("mergedAttributes", () => {
  it("copies lists so later edits cannot leak into the desired state", () => {
    const want = { groups: ["a"] };
    const merged = mergedAttributes({}, want);
    (merged.groups as string[]).push("b");
    expect(want.groups).to.deep.equal(["a"]);
  });
});

describe("replacementFor", () => {
  const old = { sourceId: SOURCE, nativeIdentity: "jdoe" };
  it("does not replace when the keys are the same", () => {
    expect(replacementFor(old, { ...old })).to.deep.equal({ replaces: [], deleteBeforeReplace: false });
  });
  it("replaces, deleting the old account first, when nativeIdentity changes on the same source", () => {
    expect(replacementFor(old, { ...old, nativeIdentity: "john.doe" })).to.deep.equal({
      replaces: ["nativeIdentity"],
      deleteBeforeReplace: true,
    });
  });
  it("replaces, creating first, when the source changes", () => {
    expect(replacementFor(old, { ...old, sourceId: "ffffffffffffffffffffffffffffffff" })).to.deep.equal({
      replaces: ["sourceId"],
      deleteBeforeReplace: false,
    });
  });
});
