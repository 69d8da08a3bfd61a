import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { packageRoot } from "../../../provider/gitops/schema";
import { runCaptured } from "./cli-io";
import { SOURCE_A, fixturePath } from "./fixtures";

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
    const dir = path.relative(process.cwd(), fixturePath("dup-across"));
    const run = await runCaptured(["validate", `${dir}/`]);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal("");
    // Paths as given (relative to the working directory), so CI logs and editors can open them.
    expect(run.stderr).to.equal(
      `${dir}/b.yaml:4: duplicate account jdoe on source ${SOURCE_A} (first defined at ${dir}/a.yaml:4)\n1 error in the definitions\n`,
    );
    const many = await runCaptured(["validate", fixturePath("errors")]);
    expect(many.code).to.equal(1);
    const lines = many.stderr.trimEnd().split("\n");
    expect(lines.slice(0, -1).every((line) => line.startsWith(fixturePath("errors")) && /\/[\w-]+\.yaml:\d+: \S/.test(line))).to.equal(true);
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
    const run = await runCaptured(["drift", fixturePath("valid")], { SAIL_BASE_URL: "http://127.0.0.1:9", SAIL_CLIENT_ID: "id" });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/Missing ISC setting "clientSecret" \(set SAIL_CLIENT_SECRET; it has no command-line flag/);
    const malformed = await runCaptured(["drift", fixturePath("valid"), "--base-url", "ftp://x"], { SAIL_CLIENT_ID: "id", SAIL_CLIENT_SECRET: "s3cr3t-value" });
    expect(malformed.code).to.equal(1);
    expect(malformed.stderr).to.match(/Malformed ISC setting "baseUrl".*use --base-url or set SAIL_BASE_URL/);
    expect(malformed.stderr).to.not.include("s3cr3t-value");
  });

  it("drift refuses invalid definitions before connecting (exit 1)", async () => {
    const run = await runCaptured(["drift", fixturePath("dup-across")], {});
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include("b.yaml:4: duplicate account jdoe");
  });

  describe("reports everything in one run", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "isc-validate-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("prints case-only differences as warnings and still exits 0", async () => {
      fs.writeFileSync(path.join(dir, "a.yaml"), `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: E4001\n  - nativeIdentity: e4001\n`);
      const run = await runCaptured(["validate", dir]);
      expect(run.code).to.equal(0);
      expect(run.stderr).to.equal(
        `${path.join(dir, "a.yaml")}:4: warning: nativeIdentity "e4001" differs only in case from "E4001" (${path.join(dir, "a.yaml")}:3) on source ${SOURCE_A}; many tenants treat them as one account\n`,
      );
      expect(run.stdout).to.equal("OK: 2 accounts in 1 file (1 source), 1 warning\n");
    });

    it("refuses a set with no accounts unless --allow-empty (a program applying it deletes every account)", async () => {
      fs.writeFileSync(path.join(dir, "placeholder.yaml"), "# the team's accounts go here\n");
      const run = await runCaptured(["validate", dir]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/^error: no accounts are defined in .*: applying that would delete every account this stack manages\. .*--allow-empty/);
      const allowed = await runCaptured(["validate", dir, "--allow-empty"]);
      expect(allowed).to.deep.equal({ code: 0, stdout: "OK: 0 accounts in 1 file (0 sources)\n", stderr: "" });
      const drift = await runCaptured(["drift", dir]);
      expect(drift.code).to.equal(1);
      expect(drift.stderr).to.equal(`error: no definitions file in ${dir} names a source: nothing to compare\n`);
    });

    it("caps quoted input: a README passed by mistake prints no line longer than a few hundred characters", async () => {
      const run = await runCaptured(["validate", path.join(packageRoot(), "README.md")]);
      expect(run.code).to.equal(1);
      const longest = Math.max(...run.stderr.split("\n").map((line) => line.length));
      expect(longest).to.be.at.most(path.join(packageRoot(), "README.md").length + 420);
    });
  });
});
