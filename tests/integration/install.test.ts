/**
 * The two ways to get the package today (it is not on the npm registry yet), done as a user does
 * them in a fresh folder: install the tarball `npm pack` makes, and install the repository as a
 * `git+file://` dependency; then `require` it and run `isc-accounts --help`.
 *
 * The tarball install runs with --ignore-scripts: a tarball must work without the build step.
 * A git dependency is different: npm clones it, installs its devDependencies and runs `prepare`
 * (tsconfig.package.json, only what ships) before packing it. npm clones the COMMITTED tree, so
 * this test checks HEAD, not uncommitted edits. Offline-friendly: the cache is warm after `npm ci`.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const INSTALL_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];
/** npm passes its config to the `npm install` it runs inside a git dependency's clone through the environment. */
const NPM_ENV = { ...process.env, npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" };

function run(command: string, args: readonly string[], cwd: string): string {
  return execFileSync(command, args, { cwd, env: NPM_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A fresh project folder with nothing but a package.json, as `npm init` leaves it. */
function freshProject(parent: string, name: string): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", private: true }, null, 2));
  return dir;
}

/** The tsconfig.json the README gives for a Pulumi program (the first ```json block of "Use it in your Pulumi program"). */
function readmeTsconfig(): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Use it in your Pulumi program"));
  const block = /```json\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README "Use it in your Pulumi program" has no ```json tsconfig block');
  return block[1];
}

/** What every install must give: `require` works and the bin answers --help. */
function expectUsable(project: string): void {
  const exported = run(process.execPath, ["-e", 'console.log(Object.keys(require("pulumi-isc-accounts")).join(" "))'], project);
  expect(exported.split(" ")).to.include.members(["Account", "accountsFromDirectory", "accountEntitlements"]);
  const help = run(path.join(project, "node_modules", ".bin", process.platform === "win32" ? "isc-accounts.cmd" : "isc-accounts"), ["--help"], project);
  expect(help).to.match(/^Usage: isc-accounts/);
  expect(help).to.contain("drift");
}

describe("installing the package (tarball, git+file://)", function () {
  // Measured on a busy 2-core machine: tarball about 10 s, git dependency about 40 s (its clone
  // installs devDependencies and compiles); the timeouts leave room for a loaded CI runner.
  this.timeout(240_000);
  let tmp: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "isc-install-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("from the packed tarball, without running any script; the README's tsconfig compiles examples/basic against it", () => {
    // `npm test` has built dist; --ignore-scripts keeps `pack` from running `prepare` again.
    const packed = JSON.parse(run(NPM, ["pack", REPO_ROOT, "--ignore-scripts", "--json", "--pack-destination", tmp], tmp)) as Array<{ filename: string }>;
    const tarball = path.join(tmp, packed[0].filename);
    const project = freshProject(tmp, "from-tarball");
    run(NPM, ["install", tarball, "--ignore-scripts", ...INSTALL_FLAGS], project);
    expectUsable(project);

    // The repository's TypeScript and Node types stand in for the user's `npm i -D typescript @types/node`.
    fs.writeFileSync(path.join(project, "tsconfig.json"), readmeTsconfig());
    fs.copyFileSync(path.join(REPO_ROOT, "examples", "basic", "index.ts"), path.join(project, "index.ts"));
    const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    run(process.execPath, [tsc, "--noEmit", "-p", ".", "--typeRoots", path.join(REPO_ROOT, "node_modules", "@types")], project);
  });

  it("from the repository as a git+file:// dependency (npm runs `prepare` in its clone)", function () {
    if (!fs.existsSync(path.join(REPO_ROOT, ".git"))) {
      console.log("      (skipped: the repository is not a git checkout)");
      this.skip();
    }
    const project = freshProject(tmp, "from-git");
    run(NPM, ["install", `git+file://${REPO_ROOT}`, ...INSTALL_FLAGS], project);
    expect(fs.existsSync(path.join(project, "node_modules", "pulumi-isc-accounts", "dist", "provider", "index.js")), "prepare built dist").to.equal(true);
    expectUsable(project);
  });
});
