/**
 * What `npm install pulumi-isc-accounts` gets: the serialized providers `require` their
 * implementation by package path from the Pulumi program's directory, and the loader and CLI need
 * the JSON Schema; all of that must be in the published files and reachable through `exports`.
 * (Verified by hand once with a packed tarball installed into a separate project; this guards it.)
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { runCli } from "../../provider/cli/run";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

interface PackageJson {
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, unknown>;
}

describe("the published package", function () {
  this.timeout(60_000);
  let files: Set<string>;
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as PackageJson;

  before(() => {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const out = execFileSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    files = new Set((JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path));
  });

  it("contains the entry point, the bin, the schema and every provider implementation the shims require", () => {
    const needed = [
      pkg.main,
      pkg.types,
      pkg.bin["isc-accounts"],
      "schema/accounts.schema.json",
      "dist/provider/resources/account/provider.js",
      "dist/provider/resources/uncorrelated-accounts-load/provider.js",
      "dist/provider/resources/source-classification/provider.js",
    ];
    for (const file of needed) expect(files.has(file), file).to.equal(true);
  });

  it("ships no tests, simulator, harness, scripts or source maps of them", () => {
    const stray = [...files].filter((f) =>
      /^(dist\/(tests|simulator|harness|scripts|examples|program)\/|tests\/|simulator\/)/.test(f),
    );
    expect(stray).to.deep.equal([]);
  });

  it("ships the LICENSE and every document the CLI's help points to", async () => {
    let help = "";
    const write = (s: string) => (help += s);
    await runCli(["drift", "--help"], { stdout: { write }, stderr: { write }, env: {}, isTTY: false });
    const documents = help.match(/docs\/[\w.-]+\.md/g) ?? [];
    expect(documents, "drift --help names its JSON format document").to.not.be.empty;
    for (const file of ["LICENSE", ...documents]) expect(files.has(file), file).to.equal(true);
  });

  it("ships the source file of every source map it ships", () => {
    const maps = [...files].filter((f) => f.endsWith(".map"));
    expect(maps, "the build writes source maps").to.not.be.empty;
    const missing: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, map), "utf8")) as { sources: string[] };
      for (const source of sources) {
        const shipped = path.posix.normalize(path.posix.join(path.posix.dirname(map), source));
        if (!files.has(shipped)) missing.push(`${map} -> ${shipped}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it("resolves the specifiers the serialized providers use through package exports", () => {
    // Self-reference from the repository root behaves like resolution from a user's node_modules.
    const resolve = (specifier: string) => require.resolve(specifier, { paths: [REPO_ROOT] });
    for (const name of ["account", "uncorrelated-accounts-load", "source-classification"]) {
      const specifier = `pulumi-isc-accounts/dist/provider/resources/${name}/provider.js`;
      expect(resolve(specifier)).to.equal(path.join(REPO_ROOT, "dist", "provider", "resources", name, "provider.js"));
    }
  });
});
