/** isc-accounts validate/drift on definition files: paths as given, warnings, the empty-set guard, capped messages. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { packageRoot } from "../../../provider/gitops/schema";
import { runCaptured } from "../../support/cli-io";
import { SOURCE_A, fixturePath } from "../../support/gitops-fixtures";

describe("isc-accounts definitions output", () => {
  it("prints paths as given, relative to the working directory (accounts/hr.yaml:3, not hr.yaml:3)", async () => {
    const dir = path.relative(process.cwd(), fixturePath("dup-across"));
    const run = await runCaptured(["validate", `${dir}/`]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal(
      `${dir}/b.yaml:4: duplicate account jdoe on source ${SOURCE_A} (first defined at ${dir}/a.yaml:4)\n1 error ` +
        `in the definitions\n`,
    );
  });

  describe("reports everything in one run", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "isc-validate-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("prints case-only differences as warnings and still exits 0", async () => {
      fs.writeFileSync(
        path.join(dir, "a.yaml"),
        `source: ${SOURCE_A}\naccounts:\n  - nativeIdentity: E4001\n  - nativeIdentity: e4001\n`,
      );
      const run = await runCaptured(["validate", dir]);
      expect(run.code).to.equal(0);
      expect(run.stderr).to.equal(
        `${path.join(dir, "a.yaml")}:4: warning: nativeIdentity "e4001" differs only in case from "E4001" ` +
          `(${path.join(dir, "a.yaml")}:3) on source ${SOURCE_A}; many tenants treat them as one account\n`,
      );
      expect(run.stdout).to.equal("OK: 2 accounts in 1 file (1 source), 1 warning\n");
    });

    it(
      "refuses a set with no accounts unless --allow-empty (a program applying it deletes every " + "account)",
      async () => {
        fs.writeFileSync(path.join(dir, "placeholder.yaml"), "# the team's accounts go here\n");
        const run = await runCaptured(["validate", dir]);
        expect(run.code).to.equal(1);
        expect(run.stderr).to.match(
          /^error: no accounts are defined in .*: applying that would delete every account this stack manages\. .*--allow-empty/,
        );
        const allowed = await runCaptured(["validate", dir, "--allow-empty"]);
        expect(allowed).to.deep.equal({ code: 0, stdout: "OK: 0 accounts in 1 file (0 sources)\n", stderr: "" });
        const drift = await runCaptured(["drift", dir]);
        expect(drift.code).to.equal(1);
        expect(drift.stderr).to.equal(`error: no definitions file in ${dir} names a source: nothing to compare\n`);
      },
    );

    it(
      "caps quoted input: a README passed by mistake prints no line longer than a few hundred " + "characters",
      async () => {
        const run = await runCaptured(["validate", path.join(packageRoot(), "README.md")]);
        expect(run.code).to.equal(1);
        const longest = Math.max(...run.stderr.split("\n").map((line) => line.length));
        expect(longest).to.be.at.most(path.join(packageRoot(), "README.md").length + 420);
      },
    );
  });
});
