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
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const INSTALL_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];
/** npm passes its config to the `npm install` it runs inside a git dependency's clone through the environment. */
const NPM_ENV = {
  ...process.env,
  npm_config_prefer_offline: "true",
  npm_config_audit: "false",
  npm_config_fund: "false",
};

function run(command: string, args: readonly string[], cwd: string): string {
  return execFileSync(command, args, { cwd, env: NPM_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** For the two installs, which run at the same time (one mostly waits on disk, the other compiles). */
async function runAsync(command: string, args: readonly string[], cwd: string): Promise<void> {
  await promisify(execFile)(command, [...args], { cwd, env: NPM_ENV, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
}

/** A fresh project folder with nothing but a package.json, as `npm init` leaves it. */
function freshProject(parent: string, name: string): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", private: true }, null, 2));
  return dir;
}

/**
 * The tsconfig.json the README gives for a Pulumi program (the first ```json block of "Use it in your Pulumi program").
 */
function readmeTsconfig(): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Use it in your Pulumi program"));
  const block = /```json\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README "Use it in your Pulumi program" has no ```json tsconfig block');
  return block[1];
}

/** What every install must give: `require` works and the bin answers --help. */
function expectUsable(project: string): void {
  const exported = run(
    process.execPath,
    ["-e", 'console.log(Object.keys(require("pulumi-isc-accounts")).join(" "))'],
    project,
  );
  expect(exported.split(" ")).to.include.members(["Account", "accountsFromDirectory", "accountEntitlements"]);
  const help = run(
    path.join(project, "node_modules", ".bin", process.platform === "win32" ? "isc-accounts.cmd" : "isc-accounts"),
    ["--help"],
    project,
  );
  expect(help).to.match(/^Usage: isc-accounts/);
  expect(help).to.contain("drift");
}

describe("installing the package (tarball, git+file://)", function () {
  // The two installs run at once. Measured on a 2-core machine busy with other builds (load 11):
  // both done in 40 s (tarball 20 s); alone, one after the other, they took up to 150 s. The
  // timeout leaves room for a loaded CI runner.
  this.timeout(240_000);
  let tmp: string;
  const isGitCheckout = fs.existsSync(path.join(REPO_ROOT, ".git"));
  let fromTarball: { project: string; installed: Promise<void> };
  let fromGit: { project: string; installed: Promise<void> } | undefined;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "isc-install-"));
    // `npm test` has built dist; --ignore-scripts keeps `pack` from running `prepare` again.
    const packed = JSON.parse(
      run(NPM, ["pack", REPO_ROOT, "--ignore-scripts", "--json", "--pack-destination", tmp], tmp),
    ) as Array<{ filename: string }>;
    const tarballProject = freshProject(tmp, "from-tarball");
    fromTarball = {
      project: tarballProject,
      installed: runAsync(
        NPM,
        ["install", path.join(tmp, packed[0].filename), "--ignore-scripts", ...INSTALL_FLAGS],
        tarballProject,
      ),
    };
    if (isGitCheckout) {
      const gitProject = freshProject(tmp, "from-git");
      fromGit = {
        project: gitProject,
        installed: runAsync(NPM, ["install", `git+file://${REPO_ROOT}`, ...INSTALL_FLAGS], gitProject),
      };
    }
    // Each test awaits its own install; a failure is reported there, not as an unhandled rejection.
    fromTarball.installed.catch(() => undefined);
    fromGit?.installed.catch(() => undefined);
  });
  after(async () => {
    await Promise.allSettled([fromTarball?.installed, fromGit?.installed]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it(
    "from the packed tarball, without running any script; the README's tsconfig compiles examples/basic " +
      "against it",
    async () => {
      const { project } = fromTarball;
      await fromTarball.installed;
      expectUsable(project);

      // The repository's TypeScript and Node types stand in for the user's `npm i -D typescript @types/node`.
      fs.writeFileSync(path.join(project, "tsconfig.json"), readmeTsconfig());
      fs.copyFileSync(path.join(REPO_ROOT, "examples", "basic", "index.ts"), path.join(project, "index.ts"));
      const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
      run(
        process.execPath,
        [tsc, "--noEmit", "-p", ".", "--typeRoots", path.join(REPO_ROOT, "node_modules", "@types")],
        project,
      );
    },
  );

  it("from the repository as a git+file:// dependency (npm runs `prepare` in its clone)", async function () {
    if (!fromGit) {
      console.log("      (skipped: the repository is not a git checkout)");
      this.skip();
    }
    const { project } = fromGit;
    await fromGit.installed;
    expect(
      fs.existsSync(path.join(project, "node_modules", "pulumi-isc-accounts", "dist", "provider", "index.js")),
      "prepare built dist",
    ).to.equal(true);
    expectUsable(project);
  });
});
