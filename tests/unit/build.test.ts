/**
 * npm scripts build incrementally: `tsc -b` keeps a build-info file, so a script run with nothing
 * changed only checks timestamps (about 1 s) instead of recompiling everything (12 s and more).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const BUILD = "tsc -b tsconfig.json";

describe("npm scripts' build step", () => {
  it("is the incremental build, for every script that runs compiled code", () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(scripts.build).to.equal(BUILD);
    for (const name of ["simulator", "demo", "bench", "soak"]) expect(scripts[name], name).to.match(new RegExp(`^${BUILD} && node dist/`));
  });

  it("finds nothing to do right after a build (what `npm test` just ran)", () => {
    const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    const out = execFileSync(process.execPath, [tsc, "-b", "tsconfig.json", "--dry", "--verbose"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(out).to.match(/Project '[^']*tsconfig\.json' is up to date/);
  });
});
