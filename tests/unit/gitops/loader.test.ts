import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { formatDefinitionError, type LoadResult } from "../../../provider/gitops/definitions";
import { loadDefinitions, loadDefinitionsSync, parseDefinitionsFile } from "../../../provider/gitops/loader";
import { IDENTITY_1, SOURCE_A, SOURCE_B, fixturePath } from "../../support/gitops-fixtures";

/** `file:line: message` lines, with `root/` taken out of paths so expectations read as inside that folder. */
function errorLines(result: LoadResult, root?: string): string[] {
  const lines = result.errors.map(formatDefinitionError);
  return root === undefined ? lines : lines.map((line) => line.split(`${root}${path.sep}`).join(""));
}

function warningLines(result: LoadResult, root: string): string[] {
  return result.warnings.map(formatDefinitionError).map((line) => line.split(`${root}${path.sep}`).join(""));
}

/** A scratch definitions folder with the given files (text, or bytes). */
function scratch(files: Record<string, string | Uint8Array> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "isc-defs-"));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
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
        location: { file: fixturePath("valid", "hr", "employees.yaml"), line: 7 },
      });
    });

    it(
      "keeps null values (identityId: null = uncorrelated, attribute null = absent) and quoted " + "numbers as text",
      () => {
        const asmith = result.definitions.find((d) => d.nativeIdentity === "asmith")!;
        expect(asmith.identityId).to.equal(null);
        expect(asmith.attributes).to.deep.equal({ displayName: "Alice Smith", employeeNumber: "00123", phone: null });
        expect(asmith).to.include({
          manuallyCorrelated: true,
          unlock: true,
          adopt: true,
          externalVerificationId: "ticket-42",
        });
      },
    );

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
    const load = (name: string) => errorLines(loadDefinitionsSync(fixturePath("errors", name)), fixturePath("errors"));

    it("YAML syntax errors", () => {
      const lines = load("bad-yaml.yaml");
      expect(lines.length).to.be.greaterThan(0);
      expect(lines[0]).to.match(/^bad-yaml\.yaml:\d+: YAML syntax error: /);
    });

    it("unknown keys, at the key's line, naming the allowed keys", () => {
      expect(load("unknown-key.yaml")).to.deep.equal([
        'unknown-key.yaml:6: accounts[0].enabeld: unknown key "enabeld" (allowed: nativeIdentity, attributes, ' +
          "identityId, manuallyCorrelated, enabled, unlock, adopt, forceProvisioning, externalVerificationId)",
      ]);
      expect(load("unknown-top-key.yaml")).to.deep.equal([
        'unknown-top-key.yaml:1: missing required key "accounts"',
        'unknown-top-key.yaml:2: acounts: unknown key "acounts" (allowed: source, defaults, accounts)',
      ]);
    });

    it("wrong types, with a hint to quote numbers YAML read from unquoted text", () => {
      expect(load("wrong-type.yaml")).to.deep.equal([
        "wrong-type.yaml:4: accounts[0].enabled: must be true or false, got a string",
        "wrong-type.yaml:6: accounts[0].attributes.employeeNumber: must be a string, a list of strings or null, " +
          "got a number; quote the value to keep it as text",
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
        `duplicate-in-file.yaml:5: duplicate account jdoe on source ${SOURCE_A} (first defined at ` +
          `duplicate-in-file.yaml:3)`,
      ]);
    });

    it("duplicate accounts across files", () => {
      const result = loadDefinitionsSync(fixturePath("dup-across"));
      expect(errorLines(result, fixturePath("dup-across"))).to.deep.equal([
        `b.yaml:4: duplicate account jdoe on source ${SOURCE_A} (first defined at a.yaml:4)`,
      ]);
    });

    it("duplicate YAML keys", () => {
      expect(load("duplicate-yaml-key.yaml")).to.deep.equal(['duplicate-yaml-key.yaml:6: duplicate key "email"']);
    });

    it("reports the problems of every file in one run, in file order", () => {
      const files = errorLines(loadDefinitionsSync(fixturePath("errors")), fixturePath("errors")).map(
        (line) => line.split(":")[0],
      );
      expect(new Set(files)).to.have.lengthOf(8);
      expect(files).to.deep.equal([...files].sort());
    });

    it("a missing directory, naming it; an empty one loads as no definitions (callers guard it)", () => {
      const missing = path.join(os.tmpdir(), "isc-accounts-definitely-missing-dir");
      expect(errorLines(loadDefinitionsSync(missing))).to.deep.equal([`${missing}: definitions directory not found`]);
      const empty = scratch();
      try {
        expect(loadDefinitionsSync(empty)).to.deep.include({ errors: [], definitions: [], files: [] });
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    });

    it("empty and comment-only files are placeholders with no accounts, not errors", () => {
      const dir = scratch({
        "empty.yaml": "",
        "comments.yaml": "# accounts of the new team go here\n",
        "a.yaml": `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: a\n`,
      });
      try {
        const result = loadDefinitionsSync(dir);
        expect(result.errors).to.deep.equal([]);
        expect(result.warnings).to.deep.equal([]);
        expect(result.files).to.deep.equal(["a.yaml", "comments.yaml", "empty.yaml"]);
        expect(result.definitions.map((d) => d.nativeIdentity)).to.deep.equal(["a"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("paths as the user gave them", () => {
    it(
      "errors and locations name the directory as given joined with the file (accounts/hr.yaml:3, not " + "hr.yaml:3)",
      () => {
        const relative = path.relative(process.cwd(), fixturePath("dup-across"));
        const result = loadDefinitionsSync(`${relative}/`);
        expect(errorLines(result)).to.deep.equal([
          `${path.join(relative, "b.yaml")}:4: duplicate account jdoe on source ${SOURCE_A} (first defined at ` +
            `${path.join(relative, "a.yaml")}:4)`,
        ]);
        const valid = loadDefinitionsSync(path.relative(process.cwd(), fixturePath("valid")));
        expect(valid.definitions.find((d) => d.nativeIdentity === "jdoe")!.location.file).to.equal(
          path.join(path.relative(process.cwd(), fixturePath("valid")), "hr", "employees.yaml"),
        );
      },
    );
  });

  describe("reports everything in one run", () => {
    it("a duplicate even when either copy has another error", () => {
      const dir = scratch({
        "a.yaml": `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: jdoe\n    enabeld: true\n`,
        "b.yaml": `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: jdoe\n    enabled: "yes"\n`,
      });
      try {
        const lines = errorLines(loadDefinitionsSync(dir), dir);
        expect(lines).to.have.lengthOf(3);
        expect(lines[0]).to.match(/^a\.yaml:4: accounts\[0\]\.enabeld: unknown key/);
        expect(lines[1]).to.match(/^b\.yaml:4: accounts\[0\]\.enabled: must be true or false/);
        expect(lines[2]).to.equal(`b.yaml:3: duplicate account jdoe on source ${SOURCE_A} (first defined at a.yaml:3)`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("multi-document files: every document is read, and duplicates across documents are reported", () => {
      const dir = scratch({
        "multi.yaml":
          `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: jdoe\n---\nsource: ${SOURCE_B}\naccounts:\n  - ` +
          `nativeIdentity: jdoe\n---\nsource: ${SOURCE_A}\naccounts:\n  - nativeIdentity: jdoe\n---\n`,
      });
      try {
        const result = loadDefinitionsSync(dir);
        expect(errorLines(result, dir)).to.deep.equal([
          `multi.yaml:11: duplicate account jdoe on source ${SOURCE_A} (first defined at multi.yaml:3)`,
        ]);
        expect(result.sourceIds).to.deep.equal([SOURCE_A, SOURCE_B]);
        expect(result.definitions.map((d) => [d.sourceId, d.location.line])).to.deep.equal([
          [SOURCE_A, 3],
          [SOURCE_B, 7],
        ]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("a YAML syntax error does not hide the rest of the file", () => {
      const text = [
        `source: ${SOURCE_A}`,
        "accounts:",
        "  - nativeIdentity: jdoe",
        "  - nativeIdentity: broken",
        "    attributes: {displayName: Broken",
        "  - nativeIdentity: other",
        "  - nativeIdentity: fine",
        "    enabeld: true",
        "  - nativeIdentity: jdoe",
        "",
      ].join("\n");
      const dir = scratch({ "f.yaml": text });
      try {
        const result = loadDefinitionsSync(dir);
        expect(errorLines(result, dir)).to.deep.equal([
          "f.yaml:6: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }",
          'f.yaml:8: accounts[3].enabeld: unknown key "enabeld" (allowed: nativeIdentity, attributes, identityId, ' +
            "manuallyCorrelated, enabled, unlock, adopt, forceProvisioning, externalVerificationId)",
          `f.yaml:9: duplicate account jdoe on source ${SOURCE_A} (first defined at f.yaml:3)`,
        ]);
        expect(result.definitions.map((d) => d.nativeIdentity)).to.not.include("broken");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("a duplicate YAML key does not hide the file's other problems", () => {
      expect(
        errorLines(loadDefinitionsSync(fixturePath("errors", "duplicate-yaml-key.yaml")), fixturePath("errors")).concat(
          parseDefinitionsFile(
            "g.yaml",
            `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: a\n    enabled: true\n    enabled: false\n  - ` +
              `nativeIdentity: b\n    enabeld: true\n`,
          ).errors.map(formatDefinitionError),
        ),
      ).to.deep.equal([
        'duplicate-yaml-key.yaml:6: duplicate key "email"',
        'g.yaml:5: duplicate key "enabled"',
        'g.yaml:7: accounts[1].enabeld: unknown key "enabeld" (allowed: nativeIdentity, attributes, identityId, ' +
          "manuallyCorrelated, enabled, unlock, adopt, forceProvisioning, externalVerificationId)",
      ]);
    });

    it("a syntax error in source or defaults trusts nothing of that document", () => {
      const result = parseDefinitionsFile("f.yaml", `source: [${SOURCE_A}\naccounts:\n  - nativeIdentity: jdoe\n`);
      expect(result.errors.every((e) => e.message.startsWith("YAML syntax error"))).to.equal(true);
      expect(result.definitions).to.deep.equal([]);
      expect(result.identities).to.deep.equal([]);
    });

    it("nativeIdentities that differ only in case on one source are a warning, not an error", () => {
      const dir = scratch({
        "a.yaml": `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: E4001\n`,
        "b.yaml":
          `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: e4001\n---\nsource: ` +
          `${SOURCE_B}\naccounts:\n  - nativeIdentity: e4001\n`,
      });
      try {
        const result = loadDefinitionsSync(dir);
        expect(result.errors).to.deep.equal([]);
        expect(result.definitions).to.have.lengthOf(3);
        expect(warningLines(result, dir)).to.deep.equal([
          `b.yaml:3: nativeIdentity "e4001" differs only in case from "E4001" (a.yaml:3) on source ${SOURCE_A}; ` +
            `many tenants treat them as one account`,
        ]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("quoted input is capped", () => {
    it("a Markdown file passed by mistake gives short lines", () => {
      // The YAML parser quotes the whole rest of the text in some messages (a code sample's `});`).
      const prose = Array.from({ length: 200 }, (_, i) => `Line ${i} of prose, with words and more words`).join("\n");
      const dir = scratch({ "README.md": `# Title\n\n\`\`\`ts\nconst x = f({\n  a: 1,\n});\n${prose}\n` });
      try {
        const lines = errorLines(loadDefinitionsSync(path.join(dir, "README.md")));
        expect(lines.length).to.be.greaterThan(0);
        expect(Math.max(...lines.map((line) => line.length))).to.be.at.most(path.join(dir, "README.md").length + 420);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("file reading", () => {
    it("rejects invalid UTF-8 (Latin-1 bytes) naming file:line instead of turning them into U+FFFD", () => {
      const latin1 = Buffer.concat([
        Buffer.from(`source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: ren`),
        Buffer.from([0xe9]),
        Buffer.from("\n"),
      ]);
      const dir = scratch({
        "latin1.yaml": latin1,
        "ok.yaml": `source: ${SOURCE_B}\naccounts:\n  - nativeIdentity: "ren\u00e9"\n`,
      });
      try {
        const result = loadDefinitionsSync(dir);
        expect(errorLines(result, dir)).to.deep.equal(["latin1.yaml:3: not valid UTF-8 (save the file as UTF-8)"]);
        expect(result.definitions.map((d) => d.nativeIdentity)).to.deep.equal(["ren\u00e9"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("accepts a UTF-8 byte order mark and names UTF-16 files", () => {
      const dir = scratch({
        "bom.yaml": Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from(`source: ${SOURCE_A}\naccounts: []\n`),
        ]),
        "utf16.yaml": Buffer.concat([
          Buffer.from([0xff, 0xfe]),
          Buffer.from(`source: ${SOURCE_B}\naccounts: []\n`, "utf16le"),
        ]),
      });
      try {
        expect(errorLines(loadDefinitionsSync(dir), dir)).to.deep.equal([
          "utf16.yaml:1: not valid UTF-8 (the file looks like UTF-16; save it as UTF-8)",
        ]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("skips node_modules and dot-folders", () => {
      const account = (id: string) => `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: ${id}\n`;
      const dir = scratch({
        "team.yaml": account("mine"),
        "node_modules/some-package/config.yaml": "name: not a definitions file\n",
        "nested/node_modules/x.yml": account("vendored"),
        ".github/workflows/ci.yml": "on: push\n",
        ".hidden.yaml": account("hidden"),
      });
      try {
        const result = loadDefinitionsSync(dir);
        expect(result.errors).to.deep.equal([]);
        expect(result.files).to.deep.equal(["team.yaml"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("symlinks", () => {
    let base: string;
    const account = (id: string) => `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: ${id}\n`;

    beforeEach(() => {
      base = scratch({
        "shared/hr/people.yaml": account("hr1"),
        "shared/ops.yaml": account("ops1"),
        "defs/own.yaml": account("own1"),
      });
    });
    afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

    it("follows a definitions directory that is a symlink, and symlinked folders and files inside it", () => {
      fs.symlinkSync(path.join(base, "shared", "hr"), path.join(base, "defs", "hr"));
      fs.symlinkSync(path.join(base, "shared", "ops.yaml"), path.join(base, "defs", "ops.yaml"));
      fs.symlinkSync(path.join(base, "defs"), path.join(base, "link"));
      const result = loadDefinitionsSync(path.join(base, "link"));
      expect(result.errors).to.deep.equal([]);
      expect(result.files).to.deep.equal(["hr/people.yaml", "ops.yaml", "own.yaml"]);
      expect(result.definitions.map((d) => d.nativeIdentity)).to.deep.equal(["hr1", "ops1", "own1"]);
    });

    it("a link back to a containing folder is a loop error naming it, and the rest is still read", () => {
      fs.symlinkSync(path.join(base, "defs"), path.join(base, "defs", "again"));
      const result = loadDefinitionsSync(path.join(base, "defs"));
      expect(errorLines(result, path.join(base, "defs"))).to.deep.equal([
        `again: symlink loop: it points back to ${JSON.stringify(fs.realpathSync(path.join(base, "defs")))}, a ` +
          `folder that contains it`,
      ]);
      expect(result.definitions.map((d) => d.nativeIdentity)).to.deep.equal(["own1"]);
    });

    it("a folder or file reached twice through links is read once", () => {
      fs.symlinkSync(path.join(base, "shared"), path.join(base, "defs", "a"));
      fs.symlinkSync(path.join(base, "shared"), path.join(base, "defs", "b"));
      const result = loadDefinitionsSync(path.join(base, "defs"));
      expect(result.errors).to.deep.equal([]);
      expect(result.files).to.deep.equal(["a/hr/people.yaml", "a/ops.yaml", "own.yaml"]);
    });

    it(
      "a dangling or self-looping *.yaml link, or a dangling folder link, is an error naming it (no " + "raw ELOOP)",
      () => {
        fs.symlinkSync(path.join(base, "gone.yaml"), path.join(base, "defs", "dangling.yaml"));
        fs.symlinkSync("self.yaml", path.join(base, "defs", "self.yaml"));
        fs.symlinkSync(path.join(base, "no-such-folder"), path.join(base, "defs", "team"));
        const result = loadDefinitionsSync(path.join(base, "defs"));
        expect(errorLines(result, path.join(base, "defs"))).to.deep.equal([
          `dangling.yaml: broken symlink: its target ${JSON.stringify(path.join(base, "gone.yaml"))} does not exist`,
          "self.yaml: symlink loop: the link resolves to itself (ELOOP)",
          `team: broken symlink: its target ${JSON.stringify(path.join(base, "no-such-folder"))} does not exist`,
        ]);
        expect(result.definitions.map((d) => d.nativeIdentity)).to.deep.equal(["own1"]);
      },
    );
  });

  it("an alias bomb is reported as an error instead of exhausting memory", () => {
    let text = `source: ${SOURCE_A}\naccounts: []\nx0: &a0 [a, a, a, a, a, a, a, a, a, a]\n`;
    for (let i = 1; i < 12; i++)
      text += `x${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]\n`;
    expect(parseDefinitionsFile("bomb.yaml", text).errors).to.deep.equal([
      {
        file: "bomb.yaml",
        line: 1,
        message:
          "YAML error: its aliases expand it to more than 1,000,000 values (1.2e+12): an alias bomb? " +
          "Write the values out, or alias fewer or smaller nodes",
      },
    ]);
  });

  it("stops a flat alias bomb too: one list of 2 000 values aliased by 1 000 accounts", () => {
    const values = Array.from({ length: 2_000 }, (_v, i) => `g${i}`).join(", ");
    let text = `source: ${SOURCE_A}\naccounts:\n`;
    text += `  - nativeIdentity: u0\n    attributes:\n      groups: &g [${values}]\n`;
    for (let i = 1; i <= 1_000; i++) text += `  - nativeIdentity: u${i}\n    attributes:\n      groups: *g\n`;
    const started = Date.now();
    const { errors, definitions } = parseDefinitionsFile("flat.yaml", text);
    expect(errors.map((e) => e.message)).to.deep.equal([
      "YAML error: its aliases expand it to more than 1,000,000 values (2.0e+6): an alias bomb? " +
        "Write the values out, or alias fewer or smaller nodes",
    ]);
    expect(definitions).to.deep.equal([]);
    expect(Date.now() - started, "rejected before expanding").to.be.below(5_000);
  });

  it("reports an unknown tag (!vault) at its line instead of reading the plain value", () => {
    const text = `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: !vault jdoe\n  - nativeIdentity: asmith\n`;
    const { errors, definitions } = parseDefinitionsFile("accounts/hr.yaml", text);
    expect(errors).to.deep.equal([
      {
        file: "accounts/hr.yaml",
        line: 3,
        column: 21,
        message: "unknown YAML tag !vault: nothing here resolves tags, so the value would be read as plain text",
      },
    ]);
    expect(definitions.map((d) => d.nativeIdentity)).to.not.include("jdoe");
  });

  it("accepts 100 accounts reusing one anchor: each use is one value, not a bomb", () => {
    let text = `source: ${SOURCE_A}\naccounts:\n`;
    text += `  - nativeIdentity: u0\n    attributes:\n      department: &dept Sales\n`;
    for (let i = 1; i <= 100; i++) text += `  - nativeIdentity: u${i}\n    attributes:\n      department: *dept\n`;
    const parsed = parseDefinitionsFile("accounts/sales.yaml", text);
    expect(parsed.errors).to.deep.equal([]);
    expect(parsed.definitions).to.have.lengthOf(101);
    expect(parsed.definitions[100].attributes).to.deep.equal({ department: "Sales" });
  });

  it('reports two keys that become one in JavaScript (1 and "1") as a duplicate, never keeping one silently', () => {
    const text =
      `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: jdoe\n    attributes:\n` +
      `      1: first-value\n      "1": second-value\n`;
    const { errors } = parseDefinitionsFile("accounts/hr.yaml", text);
    expect(errors.map((e) => `${e.line}: ${e.message}`).join("\n")).to.match(/^6: .*duplicate key/);
    // null becomes "" in JavaScript, not "null": no duplicate (the empty name is refused on its own).
    const nulls = text.replace('1: first-value\n      "1"', 'null: first-value\n      "null"');
    expect(
      parseDefinitionsFile("accounts/hr.yaml", nulls)
        .errors.map((e) => e.message)
        .join("\n"),
    ).to.not.match(/duplicate key/);
  });

  describe("stable resource names", () => {
    it("moving accounts to other files or reordering them keeps every resource name", () => {
      const before = loadDefinitionsSync(fixturePath("moved-before"));
      const after = loadDefinitionsSync(fixturePath("moved-after"));
      expect(before.errors).to.deep.equal([]);
      expect(after.errors).to.deep.equal([]);
      const names = (r: LoadResult) =>
        Object.fromEntries(r.definitions.map((d) => [`${d.sourceId} ${d.nativeIdentity}`, d.resourceName]));
      expect(names(after)).to.deep.equal(names(before));
      expect(after.definitions.map((d) => d.location.file)).to.include(
        fixturePath("moved-after", "people", "jdoe.yml"),
      );
    });
  });
});
