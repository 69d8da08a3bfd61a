/**
 * npm scripts build in build mode: `tsc -b` keeps build info, so a script run with nothing changed
 * only checks it (about 1 s) instead of recompiling everything (12 s and more); with `incremental`
 * (tsconfig.json) a change recompiles what it affects.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const BUILD = "tsc -b tsconfig.json";

describe("npm scripts' build step", () => {
  it("is the incremental build, for every script that runs compiled code", () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(scripts.build).to.equal(BUILD);
    for (const name of ["simulator", "demo", "bench", "soak"])
      expect(scripts[name], name).to.match(new RegExp(`^${BUILD} && node dist/`));
  });
});
