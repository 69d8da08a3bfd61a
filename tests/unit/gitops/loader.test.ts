import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { formatDefinitionError, type LoadResult } from "../../../provider/gitops/definitions";
import { loadDefinitions, loadDefinitionsSync, parseDefinitionsFile } from "../../../provider/gitops/loader";
import { IDENTITY_1, SOURCE_A, SOURCE_B, fixturePath } from "./fixtures";

function errorLines(result: LoadResult): string[] {
  return result.errors.map(formatDefinitionError);
}

describe("gitops loader", () => {
  describe("valid definitions", () => {
    const result = loadDefinitionsSync(fixturePath("valid"));

    it("reads every *.yaml / *.yml file recursively, sorted, skipping dot-entries and other files", () => {
      expect(result.errors).to.deep.equal([]);
      expect(result.files).to.deep.equal(["contractors.yml", "hr/employees.yaml", "retired-source.yaml"]);
      expect(result.sourceIds).to.deep.equal([SOURCE_A, SOURCE_B]);
    });

    it("returns each account with its values, location and resource name", () => {
      const jdoe = result.definitions.find((d) => d.nativeIdentity === "jdoe");
      expect(jdoe).to.deep.equal({
        sourceId: SOURCE_A,
        nativeIdentity: "jdoe",
        attributes: { displayName: "John Doe", email: "jdoe@example.com", groups: ["vpn", "contractors"] },
        identityId: IDENTITY_1,
        enabled: false,
        forceProvisioning: true,
        resourceName: `${SOURCE_A}/jdoe`,
        location: { file: "hr/employees.yaml", line: 7 },
      });
    });

    it("keeps null values (identityId: null = uncorrelated, attribute null = absent) and quoted numbers as text", () => {
      const asmith = result.definitions.find((d) => d.nativeIdentity === "asmith")!;
      expect(asmith.identityId).to.equal(null);
      expect(asmith.attributes).to.deep.equal({ displayName: "Alice Smith", employeeNumber: "00123", phone: null });
      expect(asmith).to.include({ manuallyCorrelated: true, unlock: true, adopt: true, externalVerificationId: "ticket-42" });
    });

    it("applies the file's defaults unless the account overrides them, and enabled defaults to true", () => {
      const byName = new Map(result.definitions.map((d) => [d.nativeIdentity, d]));
      expect(byName.get("c:01")!.enabled).to.equal(false); // defaults.enabled: false
      expect(byName.get("c-02")!.enabled).to.equal(true); // overridden
      expect(byName.get("asmith")!.forceProvisioning).to.equal(true); // from defaults
      expect(byName.get("asmith")!.enabled).to.equal(true);
    });

    it("leaves undeclared optional keys out (so they are not managed)", () => {
      const c01 = result.definitions.find((d) => d.nativeIdentity === "c:01")!;
      expect(c01).to.not.have.any.keys("identityId", "manuallyCorrelated", "unlock", "adopt", "externalVerificationId");
      expect(c01.attributes).to.deep.equal({});
    });

    it("has an async variant with the same result", async () => {
      expect(await loadDefinitions(fixturePath("valid"))).to.deep.equal(result);
    });
  });

  describe("errors are reported as file:line", () => {
    const load = (name: string) => errorLines(loadDefinitionsSync(fixturePath("errors", name)));

    it("YAML syntax errors", () => {
      const lines = load("bad-yaml.yaml");
      expect(lines.length).to.be.greaterThan(0);
      expect(lines[0]).to.match(/^bad-yaml\.yaml:\d+: YAML syntax error: /);
    });

    it("unknown keys, at the key's line, naming the allowed keys", () => {
      expect(load("unknown-key.yaml")).to.deep.equal([
        'unknown-key.yaml:6: accounts[0].enabeld: unknown key "enabeld" (allowed: nativeIdentity, attributes, identityId, manuallyCorrelated, enabled, unlock, adopt, forceProvisioning, externalVerificationId)',
      ]);
      expect(load("unknown-top-key.yaml")).to.deep.equal([
        'unknown-top-key.yaml:1: missing required key "accounts"',
        'unknown-top-key.yaml:2: acounts: unknown key "acounts" (allowed: source, defaults, accounts)',
      ]);
    });

    it("wrong types, with a hint to quote numbers YAML read from unquoted text", () => {
      expect(load("wrong-type.yaml")).to.deep.equal([
        "wrong-type.yaml:4: accounts[0].enabled: must be true or false, got a string",
        "wrong-type.yaml:6: accounts[0].attributes.employeeNumber: must be a string, a list of strings or null, got a number; quote the value to keep it as text",
      ]);
    });

    it("a missing nativeIdentity, at the account's line", () => {
      expect(load("missing-native-identity.yaml")).to.deep.equal([
        'missing-native-identity.yaml:4: accounts[1]: missing required key "nativeIdentity"',
      ]);
    });

    it("ids that do not match the 32-hex pattern", () => {
      expect(load("bad-ids.yaml")).to.deep.equal([
        'bad-ids.yaml:1: source: must be a 32-character lowercase hex id, got "2C9180857DF6AA8F017E1A4FB1E20A5B"',
        'bad-ids.yaml:4: accounts[0].identityId: must be a 32-character lowercase hex id or null, got "not-an-id"',
      ]);
    });

    it("duplicate accounts within a file: at the second occurrence, naming the first", () => {
      expect(load("duplicate-in-file.yaml")).to.deep.equal([
        `duplicate-in-file.yaml:5: duplicate account jdoe on source ${SOURCE_A} (first defined at duplicate-in-file.yaml:3)`,
      ]);
    });

    it("duplicate accounts across files", () => {
      const result = loadDefinitionsSync(fixturePath("dup-across"));
      expect(errorLines(result)).to.deep.equal([`b.yaml:4: duplicate account jdoe on source ${SOURCE_A} (first defined at a.yaml:4)`]);
    });

    it("duplicate YAML keys", () => {
      expect(load("duplicate-yaml-key.yaml")).to.deep.equal(['duplicate-yaml-key.yaml:6: duplicate key "email"']);
    });

    it("reports the problems of every file in one run, in file order", () => {
      const files = errorLines(loadDefinitionsSync(fixturePath("errors"))).map((line) => line.split(":")[0]);
      expect(new Set(files)).to.have.lengthOf(8);
      expect(files).to.deep.equal([...files].sort());
    });

    it("a missing or empty directory, naming it", () => {
      const missing = path.join(os.tmpdir(), "isc-accounts-definitely-missing-dir");
      expect(errorLines(loadDefinitionsSync(missing))).to.deep.equal([`${missing}: definitions directory not found`]);
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), "isc-defs-"));
      try {
        expect(errorLines(loadDefinitionsSync(empty))).to.deep.equal([
          `${empty}: no definition files (*.yaml, *.yml) found in this directory`,
        ]);
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    });

    it("empty files and multi-document files", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "isc-defs-"));
      try {
        fs.writeFileSync(path.join(dir, "empty.yaml"), "# nothing yet\n");
        fs.writeFileSync(path.join(dir, "multi.yaml"), `source: ${SOURCE_A}\naccounts: []\n---\nsource: ${SOURCE_B}\naccounts: []\n`);
        const lines = errorLines(loadDefinitionsSync(dir));
        expect(lines[0]).to.equal('empty.yaml:1: empty file: expected a map with the keys "source" and "accounts"');
        expect(lines[1]).to.match(/^multi\.yaml:\d+: a definitions file must hold a single YAML document/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it("an alias bomb is reported as an error instead of exhausting memory", () => {
    let text = `source: ${SOURCE_A}\naccounts: []\nx0: &a0 [a, a, a, a, a, a, a, a, a, a]\n`;
    for (let i = 1; i < 12; i++) text += `x${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]\n`;
    expect(parseDefinitionsFile("bomb.yaml", text).errors).to.deep.equal([
      { file: "bomb.yaml", line: 1, message: "YAML error: Excessive alias count indicates a resource exhaustion attack" },
    ]);
  });

  describe("stable resource names", () => {
    it("moving accounts to other files or reordering them keeps every resource name", () => {
      const before = loadDefinitionsSync(fixturePath("moved-before"));
      const after = loadDefinitionsSync(fixturePath("moved-after"));
      expect(before.errors).to.deep.equal([]);
      expect(after.errors).to.deep.equal([]);
      const names = (r: LoadResult) => Object.fromEntries(r.definitions.map((d) => [`${d.sourceId} ${d.nativeIdentity}`, d.resourceName]));
      expect(names(after)).to.deep.equal(names(before));
      expect(after.definitions.map((d) => d.location.file)).to.include("people/jdoe.yml");
    });
  });
});
