/**
 * The README against the repository it describes: the npm scripts, files and flags it names exist,
 * and the README sections the source code points readers at are there.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { runCaptured } from "../support/cli-io";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const README = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

describe("README.md", () => {
  it("names only npm scripts that package.json has", () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    const named = [...README.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(named).to.not.be.empty;
    expect(named.filter((name) => !(name in scripts))).to.deep.equal([]);
  });

  it("links only to files and folders that exist", () => {
    const targets = [...README.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t));
    expect(targets).to.not.be.empty;
    expect(targets.filter((t) => !fs.existsSync(path.join(REPO_ROOT, t)))).to.deep.equal([]);
  });

  it("has every section the source code refers readers to", () => {
    const headings = [...README.matchAll(/^#+ (.*)$/gm)].map((m) => m[1].replace(/`/g, ""));
    const missing: string[] = [];
    for (const file of sourceFiles(path.join(REPO_ROOT, "provider"))) {
      for (const m of fs.readFileSync(file, "utf8").matchAll(/see README "([^"]+)"/g)) {
        if (!headings.some((h) => h.includes(m[1]))) missing.push(`${path.relative(REPO_ROOT, file)}: "${m[1]}"`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it("shows `isc-accounts drift` with flags it has, --source as a repeated flag", async () => {
    const usage = /^isc-accounts drift .*$/m.exec(README)?.[0];
    expect(usage, "the drift usage line").to.be.a("string");
    const help = (await runCaptured(["drift", "--help"])).stdout;
    for (const flag of usage!.match(/--[a-z-]+/g) ?? []) expect(help, flag).to.contain(flag);
    expect(help).to.match(/--source <id>\s+only this source \(repeatable\)/);
    expect(usage).to.contain("[--source <id>]...");
  });
});
