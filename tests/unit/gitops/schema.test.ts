import * as fs from "node:fs";
import Ajv from "ajv";
import { expect } from "chai";
import { definitionsSchemaPath, definitionsValidator } from "../../../provider/gitops/schema";
import { parseDefinitionsFile } from "../../../provider/gitops/loader";
import { IDENTITY_1, SOURCE_A } from "../../support/gitops-fixtures";

describe("gitops JSON schema (schema/accounts.schema.json)", () => {
  const schema = JSON.parse(fs.readFileSync(definitionsSchemaPath(), "utf8")) as Record<string, unknown>;

  it("is a draft-07 schema that compiles in strict mode, with descriptions and no unknown keys allowed", () => {
    expect(schema.$schema).to.equal("http://json-schema.org/draft-07/schema#");
    expect(schema.description)
      .to.be.a("string")
      .and.match(/source \+ nativeIdentity/);
    expect(schema.additionalProperties).to.equal(false);
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    ajv.addKeyword("patternErrorMessage");
    expect(() => ajv.compile(schema)).to.not.throw();
    const account = (schema.definitions as Record<string, Record<string, unknown>>).account;
    expect(account.additionalProperties).to.equal(false);
    for (const [key, property] of Object.entries(account.properties as Record<string, Record<string, unknown>>)) {
      const described =
        property.description ??
        (schema.definitions as Record<string, Record<string, unknown>>)[String(property.$ref).split("/").pop()!]
          ?.description;
      expect(described, `description of ${key}`).to.be.a("string");
    }
  });

  // The loader must accept exactly what the schema accepts (editor feedback == CLI feedback).
  const cases: Array<[string, unknown, boolean]> = [
    ["minimal file", { source: SOURCE_A, accounts: [] }, true],
    [
      "full account",
      {
        source: SOURCE_A,
        defaults: { enabled: true, manuallyCorrelated: false, unlock: true, adopt: false, forceProvisioning: true },
        accounts: [
          {
            nativeIdentity: "j",
            attributes: { a: "x", b: ["y"], c: null },
            identityId: IDENTITY_1,
            manuallyCorrelated: true,
            enabled: false,
            unlock: true,
            adopt: true,
            forceProvisioning: false,
            externalVerificationId: "v",
          },
        ],
      },
      true,
    ],
    ["identityId null", { source: SOURCE_A, accounts: [{ nativeIdentity: "j", identityId: null }] }, true],
    ["missing source", { accounts: [] }, false],
    ["missing accounts", { source: SOURCE_A }, false],
    ["unknown top key", { source: SOURCE_A, accounts: [], extra: 1 }, false],
    ["unknown defaults key", { source: SOURCE_A, defaults: { externalVerificationId: "x" }, accounts: [] }, false],
    ["empty nativeIdentity", { source: SOURCE_A, accounts: [{ nativeIdentity: "" }] }, false],
    ["uppercase source", { source: SOURCE_A.toUpperCase(), accounts: [] }, false],
    ["short identityId", { source: SOURCE_A, accounts: [{ nativeIdentity: "j", identityId: "abc" }] }, false],
    ["numeric attribute", { source: SOURCE_A, accounts: [{ nativeIdentity: "j", attributes: { n: 1 } }] }, false],
    [
      "list of non-strings",
      { source: SOURCE_A, accounts: [{ nativeIdentity: "j", attributes: { n: ["a", 1] } }] },
      false,
    ],
    [
      "nested map attribute",
      { source: SOURCE_A, accounts: [{ nativeIdentity: "j", attributes: { n: { a: "b" } } }] },
      false,
    ],
    ["string enabled", { source: SOURCE_A, accounts: [{ nativeIdentity: "j", enabled: "yes" }] }, false],
    ["padded nativeIdentity", { source: SOURCE_A, accounts: [{ nativeIdentity: " j" }] }, false],
    ["blank nativeIdentity", { source: SOURCE_A, accounts: [{ nativeIdentity: "   " }] }, false],
    ["nativeIdentity with a newline", { source: SOURCE_A, accounts: [{ nativeIdentity: "j\nk" }] }, false],
    ["nativeIdentity of 256 characters", { source: SOURCE_A, accounts: [{ nativeIdentity: "x".repeat(256) }] }, false],
    ["nativeIdentity of 255 characters", { source: SOURCE_A, accounts: [{ nativeIdentity: "x".repeat(255) }] }, true],
    ["empty attribute name", { source: SOURCE_A, accounts: [{ nativeIdentity: "j", attributes: { "": "x" } }] }, false],
  ];
  for (const [name, document, valid] of cases) {
    it(`${valid ? "accepts" : "rejects"}: ${name} (schema and loader agree)`, () => {
      expect(definitionsValidator()(document)).to.equal(valid);
      const parsed = parseDefinitionsFile("case.yaml", JSON.stringify(document)); // JSON is YAML
      expect(parsed.errors.length === 0).to.equal(valid);
    });
  }
});
