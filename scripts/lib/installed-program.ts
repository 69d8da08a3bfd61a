/**
 * A Pulumi program directory with this package "installed" in its node_modules, as a user has it,
 * so that what the bench measures and runs is what a user's state holds. Pulumi's serializer
 * writes a value that comes from node_modules as a `require(...)` of its module and copies local
 * code by value; run from this repository, the provider text would be the local copy.
 *
 * The package and @pulumi/pulumi are symlinks to this repository; serializing in a process with
 * `--preserve-symlinks` sees the node_modules path that an `npm install` gives. The plugin runs
 * without it, so it loads the repository's dist through the symlink (the current build).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface InstalledProgram {
  /** The program directory: the plugin's cwd. */
  dir: string;
  remove(): void;
}

export function installedProgram(repositoryRoot: string): InstalledProgram {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "isc-program-"));
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "isc-program", version: "1.0.0", private: true }),
  );
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(repositoryRoot, path.join(dir, "node_modules", "pulumi-isc-accounts"), "dir");
  fs.symlinkSync(
    path.join(repositoryRoot, "node_modules", "@pulumi"),
    path.join(dir, "node_modules", "@pulumi"),
    "dir",
  );
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const SERIALIZE = `
const { accountProvider } = require("pulumi-isc-accounts");
// The @pulumi/pulumi the package itself loads (its dependencies resolve beside it).
const pulumi = require("./node_modules/pulumi-isc-accounts/node_modules/@pulumi/pulumi");
pulumi.runtime.serializeFunction(() => accountProvider, { allowSecrets: true }).then(
  (f) => process.stdout.write(f.text),
  (e) => { console.error(e); process.exit(1); },
);`;

/**
 * The Account provider's `__provider` text as a program in `dir` stores it (what
 * `pulumi.dynamic.Resource` serializes).
 */
export function accountProviderTextIn(dir: string): string {
  return execFileSync(process.execPath, ["--preserve-symlinks", "-e", SERIALIZE], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 1024 * 1024,
  });
}
