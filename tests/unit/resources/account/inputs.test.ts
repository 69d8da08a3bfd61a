import { expect } from "chai";
import {
  desiredAccountFrom,
  runOptionsFrom,
  validateAccountInputs,
  validateAgainstSchema,
} from "../../../../provider/resources/account/inputs";
import type { SourceSchema } from "../../../../provider/client/types";
import { Account } from "../../../../provider/resources/account";
import { UNKNOWN } from "../../../../provider/resources/shared/unknown";

const SOURCE = "2c9180857df6aa8f017e1a4fb1e20a5b";
const valid = { sourceId: SOURCE, nativeIdentity: "jdoe" };

function properties(inputs: Record<string, unknown>): string[] {
  return validateAccountInputs(inputs).map((f) => f.property);
}

describe("account inputs: check-time validation", () => {
  it("accepts a minimal valid account", () => {
    expect(validateAccountInputs(valid)).to.deep.equal([]);
  });

  it("names the missing or malformed field", () => {
    expect(properties({ nativeIdentity: "jdoe" })).to.deep.equal(["sourceId"]);
    expect(properties({ ...valid, sourceId: "not-an-id" })).to.deep.equal(["sourceId"]);
    expect(properties({ ...valid, nativeIdentity: "" })).to.deep.equal(["nativeIdentity"]);
    expect(properties({ ...valid, nativeIdentity: " jdoe" })).to.deep.equal(["nativeIdentity"]);
    expect(properties({ sourceId: SOURCE })).to.deep.equal(["nativeIdentity"]);
    expect(properties({ ...valid, identityId: "123" })).to.deep.equal(["identityId"]);
    expect(properties({ ...valid, enabled: "yes" })).to.deep.equal(["enabled"]);
    expect(properties({ ...valid, taskTimeoutSeconds: -1 })).to.deep.equal(["taskTimeoutSeconds"]);
    expect(properties({ ...valid, colour: "blue" })).to.deep.equal(["colour"]);
  });

  it("rejects non-string attribute values and says how to fix a number", () => {
    const failures = validateAccountInputs({
      ...valid,
      attributes: { employeeNumber: 42, groups: ["a", 1], ok: "x", gone: null },
    });
    expect(failures.map((f) => f.property)).to.deep.equal(["attributes.employeeNumber", "attributes.groups"]);
    expect(failures[0].reason).to.contain('quote it: "42"');
  });

  it("does not judge values that are unknown during preview", () => {
    expect(
      validateAccountInputs({
        sourceId: UNKNOWN,
        nativeIdentity: UNKNOWN,
        identityId: UNKNOWN,
        attributes: { a: UNKNOWN },
      }),
    ).to.deep.equal([]);
  });
});

describe("account inputs: checks against the source schema", () => {
  const schema: SourceSchema = {
    identityAttribute: "id",
    attributes: [
      { name: "id", type: "STRING" },
      { name: "email", type: "STRING" },
      { name: "groups", type: "STRING", isMulti: true },
    ],
  };

  it("fills the identity attribute from nativeIdentity when absent", () => {
    const { failures, attributes } = validateAgainstSchema({ ...valid, attributes: { email: "a@b" } }, schema, SOURCE);
    expect(failures).to.deep.equal([]);
    expect(attributes).to.deep.equal({ email: "a@b", id: "jdoe" });
  });

  it("reports an identity attribute that conflicts with nativeIdentity", () => {
    const { failures } = validateAgainstSchema({ ...valid, attributes: { id: "someone-else" } }, schema, SOURCE);
    expect(failures.map((f) => f.property)).to.deep.equal(["attributes.id"]);
    expect(failures[0].reason).to.contain("must equal nativeIdentity");
  });

  it("reports unknown attribute names and lists for single-valued attributes", () => {
    const { failures } = validateAgainstSchema(
      { ...valid, attributes: { emial: "x", email: ["a", "b"], groups: ["x", "y"] } },
      schema,
      SOURCE,
    );
    expect(failures.map((f) => f.property)).to.deep.equal(["attributes.emial", "attributes.email"]);
    expect(failures[0].reason).to.contain("known attributes: email, groups, id");
  });
});

describe("account inputs: defaults", () => {
  it("defaults enabled to true, leaves correlation unmanaged, and keeps null for uncorrelate", () => {
    const d = desiredAccountFrom(valid);
    expect(d.enabled).to.equal(true);
    expect(d).to.not.have.property("identityId");
    expect(desiredAccountFrom({ ...valid, identityId: null }).identityId).to.equal(null);
    expect(desiredAccountFrom({ ...valid, enabled: false }).enabled).to.equal(false);
  });
  it("turns the timeout into milliseconds with a 10 minute default", () => {
    expect(runOptionsFrom(valid)).to.deep.equal({ adopt: false, taskTimeoutMs: 600_000, pollIntervalMs: 500 });
    expect(runOptionsFrom({ ...valid, taskTimeoutSeconds: 5, adopt: true })).to.deep.include({
      adopt: true,
      taskTimeoutMs: 5000,
    });
  });
});

describe("account inputs: bad input never reaches the API", () => {
  const reasons = (inputs: Record<string, unknown>) =>
    validateAccountInputs(inputs).map((f) => `${f.property}: ${f.reason}`);

  it("caps nativeIdentity at 255 characters (a 20 000-character one made the lookup URL fail with 431)", () => {
    expect(validateAccountInputs({ ...valid, nativeIdentity: "x".repeat(255) })).to.deep.equal([]);
    expect(reasons({ ...valid, nativeIdentity: "x".repeat(256) })[0]).to.match(
      /^nativeIdentity: nativeIdentity must be at most 255 characters long, got 256/,
    );
    expect(properties({ ...valid, nativeIdentity: "x".repeat(20_000) })).to.deep.equal(["nativeIdentity"]);
  });

  it("refuses control characters in nativeIdentity (NUL, newline, ESC, DEL, C1, line separator)", () => {
    for (const bad of [
      "j\u0000doe",
      "j\ndoe",
      "jdoe\r\nx",
      "j\u001bdoe",
      "j\tdoe",
      "j\u007fdoe",
      "j\u0085doe",
      "j\u2028doe",
    ]) {
      const found = reasons({ ...valid, nativeIdentity: bad });
      expect(found, JSON.stringify(bad)).to.have.lengthOf(1);
      expect(found[0]).to.match(
        /^nativeIdentity: nativeIdentity must not contain control characters \(found U\+[0-9A-F]{4} at position \d+\)/,
      );
    }
  });

  it("refuses lone UTF-16 surrogates in nativeIdentity, attribute names and values (Pulumi drops them)", () => {
    expect(reasons({ ...valid, nativeIdentity: "E1\uD800001" })).to.deep.equal([
      "nativeIdentity: nativeIdentity must be well-formed Unicode text (found a lone surrogate U+D800 at position 3, " +
        "which Pulumi would drop on the way to ISC)",
    ]);
    expect(properties({ ...valid, attributes: { ["a\uDC00"]: "x" } })).to.deep.equal(["attributes"]);
    expect(properties({ ...valid, attributes: { email: "a\uD800@b" } })).to.deep.equal(["attributes.email"]);
    expect(properties({ ...valid, attributes: { groups: ["ok", "\uDFFF"] } })).to.deep.equal(["attributes.groups"]);
    expect(properties({ ...valid, nativeIdentity: "j\uD83D\uDE00doe" }), "a surrogate pair is fine").to.deep.equal([]);
  });

  it("refuses a blank or padded nativeIdentity", () => {
    expect(properties({ ...valid, nativeIdentity: "   " })).to.deep.equal(["nativeIdentity"]);
    expect(properties({ ...valid, nativeIdentity: "jdoe " })).to.deep.equal(["nativeIdentity"]);
  });

  it("refuses an attribute named __proto__ instead of dropping it, and empty attribute names", () => {
    const attributes = JSON.parse('{"__proto__": "x", "email": "a@b"}') as Record<string, unknown>;
    expect(reasons({ ...valid, attributes })).to.deep.equal([
      'attributes.__proto__: attributes: the name "__proto__" is not supported (it cannot be sent or stored as a ' +
        "plain map key)",
    ]);
    expect(properties({ ...valid, attributes: { "": "x" } })).to.deep.equal(["attributes"]);
    expect(properties({ ...valid, attributes: { "  ": "x" } })).to.deep.equal(["attributes"]);
  });

  it("enforces the ranges the messages state, for every numeric input", () => {
    expect(reasons({ ...valid, taskTimeoutSeconds: 0.0001 })).to.deep.equal([
      "taskTimeoutSeconds: taskTimeoutSeconds must be a number of seconds from 1 to 86400, got 0.0001",
    ]);
    for (const ok of [1, 600, 86_400]) expect(properties({ ...valid, taskTimeoutSeconds: ok })).to.deep.equal([]);
    for (const bad of [0, 0.5, 86_401, Number.NaN, Infinity, "600"]) {
      expect(properties({ ...valid, taskTimeoutSeconds: bad }), String(bad)).to.deep.equal(["taskTimeoutSeconds"]);
    }
    for (const ok of [50, 500, 60_000]) expect(properties({ ...valid, pollIntervalMs: ok })).to.deep.equal([]);
    for (const bad of [49.9, 0, 60_001, -1])
      expect(properties({ ...valid, pollIntervalMs: bad }), String(bad)).to.deep.equal(["pollIntervalMs"]);
  });
});

describe("Account resource: keys Pulumi cannot serialize", () => {
  it("refuses an attribute named __proto__ before Pulumi's serializer would drop it", () => {
    const attributes = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    expect(() => new Account("jdoe", { ...valid, attributes })).to.throw(
      'Account jdoe: attributes: the name "__proto__" is not supported',
    );
  });

  it("refuses lone UTF-16 surrogates, which Pulumi's Protocol Buffers would drop (E1\\uD800001 becoming E1001)", () => {
    expect(() => new Account("x", { ...valid, nativeIdentity: "E1\uD800001" })).to.throw(
      "nativeIdentity must be well-formed Unicode text",
    );
    expect(() => new Account("x", { ...valid, attributes: { ["d\uDC00n"]: "x" } })).to.throw("attributes: the name");
    expect(() => new Account("x", { ...valid, attributes: { groups: ["a", "b\uD83D"] } })).to.throw(
      "attributes.groups must be well-formed",
    );
    expect(() => new Account("x", { ...valid, nativeIdentity: "caf\u00e9 \uD83D\uDE00" })).not.to.throw();
  });
});
