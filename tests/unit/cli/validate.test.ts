import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { validateAccountInputs } from "../../../provider/resources/account/inputs";
import { runCaptured } from "../../support/cli-io";
import { SOURCE_A, fixturePath } from "../../support/gitops-fixtures";

describe("isc-accounts validate", () => {
  it("exits 0 and prints the counts for valid definitions", async () => {
    const run = await runCaptured(["validate", fixturePath("valid")]);
    expect(run).to.deep.equal({ code: 0, stdout: "OK: 4 accounts in 3 files (2 sources)\n", stderr: "" });
  });

  it("accepts a single file", async () => {
    const run = await runCaptured(["validate", fixturePath("valid", "contractors.yml")]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal("OK: 2 accounts in 1 file (1 source)\n");
  });

  it("exits 1 and prints every file:line: message on stderr", async () => {
    const run = await runCaptured(["validate", fixturePath("dup-across")]);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.equal(
      `${fixturePath("dup-across", "b.yaml")}:4: duplicate account jdoe on source ${SOURCE_A} (first defined at ` +
        `${fixturePath("dup-across", "a.yaml")}:4)\n1 error in the definitions\n`,
    );
    const many = await runCaptured(["validate", fixturePath("errors")]);
    expect(many.code).to.equal(1);
    const lines = many.stderr.trimEnd().split("\n");
    expect(
      lines.slice(0, -1).every((line) => line.startsWith(fixturePath("errors")) && /[\w-]+\.yaml:\d+: \S/.test(line)),
    ).to.equal(true);
    expect(lines.at(-1)).to.match(/^\d+ errors in the definitions$/);
  });

  it("exits 1 for a missing directory, naming it", async () => {
    const run = await runCaptured(["validate", "/nonexistent/defs"]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include("/nonexistent/defs: definitions directory not found");
  });

  it("exits 1 on usage errors and 0 for --help", async () => {
    expect((await runCaptured(["validate"])).code).to.equal(1);
    expect((await runCaptured(["frobnicate"])).code).to.equal(1);
    const help = await runCaptured(["--help"]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include("validate").and.include("drift");
  });

  it("drift has no flag for the client secret (it comes from the environment only)", async () => {
    const run = await runCaptured(["drift", fixturePath("valid"), "--client-secret", "s3cr3t-value"]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include("unknown option '--client-secret'");
    expect(run.stderr).to.not.include("s3cr3t-value");
  });

  it("drift reports missing connection settings with the client's texts and exit 1", async () => {
    const run = await runCaptured(["drift", fixturePath("valid")], {
      SAIL_BASE_URL: "http://127.0.0.1:9",
      SAIL_CLIENT_ID: "id",
    });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(
      /Missing ISC setting "clientSecret" \(set SAIL_CLIENT_SECRET; it has no command-line flag/,
    );
    const malformed = await runCaptured(["drift", fixturePath("valid"), "--base-url", "ftp://x"], {
      SAIL_CLIENT_ID: "id",
      SAIL_CLIENT_SECRET: "s3cr3t-value",
    });
    expect(malformed.code).to.equal(1);
    expect(malformed.stderr).to.match(/Malformed ISC setting "baseUrl".*use --base-url or set SAIL_BASE_URL/);
    expect(malformed.stderr).to.not.include("s3cr3t-value");
  });

  it("drift refuses invalid definitions before connecting (exit 1)", async () => {
    const run = await runCaptured(["drift", fixturePath("dup-across")], {});
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include("b.yaml:4: duplicate account jdoe");
  });
});

describe("isc-accounts validate: the same checks as Pulumi `check`", () => {
  const write = (entries: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "isc-validate-"));
    fs.writeFileSync(path.join(dir, "people.yaml"), `source: ${SOURCE_A}\naccounts:\n${entries}`);
    return dir;
  };
  /** What `check` says about the same input, as validate prints it for line `line` of people.yaml. */
  const checkSays = (line: number, field: string, inputs: Record<string, unknown>): string => {
    const failure = validateAccountInputs({ sourceId: SOURCE_A, ...inputs }).find(
      (f) => f.property === field || f.property.startsWith(`${field}.`),
    );
    expect(failure, JSON.stringify(inputs)).to.not.equal(undefined);
    return `people.yaml:${line}: accounts[0].${failure!.property}: ${failure!.reason}`;
  };
  const cases: Array<[string, string, number, string, Record<string, unknown>]> = [
    [
      "a leading space in nativeIdentity",
      '  - nativeIdentity: " jdoe"\n',
      3,
      "nativeIdentity",
      { nativeIdentity: " jdoe" },
    ],
    ["a blank nativeIdentity", '  - nativeIdentity: "   "\n', 3, "nativeIdentity", { nativeIdentity: "   " }],
    [
      "a NUL in nativeIdentity",
      '  - nativeIdentity: "j\\0doe"\n',
      3,
      "nativeIdentity",
      { nativeIdentity: "j\u0000doe" },
    ],
    [
      "an ESC in nativeIdentity",
      '  - nativeIdentity: "j\\edoe"\n',
      3,
      "nativeIdentity",
      { nativeIdentity: "j\u001bdoe" },
    ],
    [
      "a lone surrogate in nativeIdentity",
      '  - nativeIdentity: "E1\\uD800001"\n',
      3,
      "nativeIdentity",
      { nativeIdentity: "E1\uD800001" },
    ],
    [
      "a 20 000-character nativeIdentity",
      `  - nativeIdentity: ${"x".repeat(20_000)}\n`,
      3,
      "nativeIdentity",
      { nativeIdentity: "x".repeat(20_000) },
    ],
    [
      "an empty attribute name",
      '  - nativeIdentity: jdoe\n    attributes:\n      "": x\n',
      5,
      "attributes",
      { nativeIdentity: "jdoe", attributes: { "": "x" } },
    ],
    [
      "an attribute named __proto__",
      "  - nativeIdentity: jdoe\n    attributes:\n      __proto__: x\n",
      5,
      "attributes",
      { nativeIdentity: "jdoe", attributes: JSON.parse('{"__proto__": "x"}') as Record<string, unknown> },
    ],
  ];
  for (const [name, entries, line, field, inputs] of cases) {
    it(`refuses ${name} at file:line with check's message`, async () => {
      const dir = write(entries);
      try {
        const run = await runCaptured(["validate", dir]);
        expect(run.code).to.equal(1);
        const expected = checkSays(line, field, inputs);
        // The directory prefix of file names belongs to the loader; the message after it is check's.
        expect(
          run.stderr.split("\n")[0].endsWith(expected) || run.stderr.split("\n")[0].includes(expected.slice(0, 120)),
          run.stderr,
        ).to.equal(true);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
