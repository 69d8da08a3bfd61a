/**
 * A program directory that uses another @pulumi/pulumi than this repository's: the CLI runs the dynamic-provider
 * plugin of the PROGRAM's @pulumi/pulumi, so the lowest version our peer dependency allows must work too.
 *
 * The install is cached in the OS temp directory per version (npm's own cache makes a cold install quick); it
 * is built in a private folder and renamed into place, so concurrent test runs never see half an install.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const CACHE_ROOT = path.join(tmpdir(), "pulumi-isc-accounts-pulumi-versions");

/** The lowest version the peer dependency range allows ("^3.139.0" -> "3.139.0"). */
export function lowestSupportedPulumiVersion(repoRoot: string): string {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    peerDependencies?: Record<string, string>;
  };
  const range = manifest.peerDependencies?.["@pulumi/pulumi"];
  const lowest = range?.match(/^(?:\^|>=|~)?\s*(\d+\.\d+\.\d+)/)?.[1];
  if (!lowest)
    throw new Error(`package.json has no @pulumi/pulumi peer dependency with a lowest version (got ${range})`);
  return lowest;
}

function installedVersion(dir: string): string | undefined {
  const manifest = path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json");
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version : undefined;
}

/** node_modules holding exactly @pulumi/pulumi@version (and its dependencies); installed once per machine. */
export function ensurePulumiInstall(version: string): string {
  const target = path.join(CACHE_ROOT, version);
  if (installedVersion(target) === version) return target;
  mkdirSync(CACHE_ROOT, { recursive: true });
  const building = mkdtempSync(path.join(CACHE_ROOT, `building-${version}-`));
  try {
    writeFileSync(path.join(building, "package.json"), JSON.stringify({ name: "pulumi-version-probe", private: true }));
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const result = spawnSync(
      npm,
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "--prefer-offline",
        "--no-package-lock",
        `@pulumi/pulumi@${version}`,
      ],
      { cwd: building, encoding: "utf8", timeout: 240_000 },
    );
    if (result.status !== 0)
      throw new Error(`npm install @pulumi/pulumi@${version} failed:\n${result.stderr || result.error}`);
    if (installedVersion(building) !== version)
      throw new Error(`npm installed @pulumi/pulumi ${installedVersion(building)}, not ${version}`);
    rmSync(target, { recursive: true, force: true });
    renameSync(building, target);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (installedVersion(target) === version) return target; // another run finished first
    throw error;
  }
  return target;
}

/**
 * A throwaway program directory whose @pulumi/pulumi is `install`'s and whose `pulumi-isc-accounts` is this
 * repository (as `npm install <path>` would link it). Returns the directory and a remover.
 */
export function programDirWith(install: string, repoRoot: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "isc-program-"));
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(path.join(install, "node_modules", "@pulumi"), path.join(dir, "node_modules", "@pulumi"), "dir");
  symlinkSync(repoRoot, path.join(dir, "node_modules", "pulumi-isc-accounts"), "dir");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
