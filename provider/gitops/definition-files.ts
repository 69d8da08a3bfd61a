/**
 * Finds the definition files under a directory: every *.yaml / *.yml file, recursively, following
 * symlinks. A definition that is silently not read is an account a Pulumi program would DELETE, so
 * anything that cannot be followed (a dangling or looping link, an unreadable folder, a `*.yaml`
 * that is not a file) is a problem naming its path, never a skip. Skipped on purpose: dot-entries
 * (`.git`, editor backups) and `node_modules` (packages ship YAML of their own).
 */
import * as fs from "node:fs";
import * as path from "node:path";

const DEFINITION_FILE = /\.ya?ml$/i;

export interface DefinitionFile {
  /** Path relative to the definitions directory, `/`-separated. */
  relative: string;
  /** Path to read the file from. */
  absolute: string;
}

export interface FileProblem {
  /** Path relative to the definitions directory, `/`-separated. */
  relative: string;
  message: string;
}

export interface DefinitionFileListing {
  /** Sorted by `relative` (code-unit order, identical on every machine). */
  files: DefinitionFile[];
  problems: FileProblem[];
}

function isSkipped(name: string): boolean {
  return name.startsWith(".") || name === "node_modules";
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What a failed stat/readdir means to the author, without a raw errno as the whole message. */
function accessProblem(err: unknown, isLink: boolean, linkTarget: () => string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (isLink && code === "ENOENT") return `broken symlink: its target ${JSON.stringify(linkTarget())} does not exist`;
  if (code === "ELOOP") return "symlink loop: the link resolves to itself (ELOOP)";
  if (code === "EACCES" || code === "EPERM") return `cannot be read: permission denied (${code})`;
  return `cannot be read: ${code ?? String(err)}`;
}

/**
 * Walks `root` (a directory). Directories are identified by real path, so a link back to an
 * ancestor is reported as a loop and a folder reached twice through links is read once; a file
 * reached twice (a link to a file already listed) is read once too, under its first path.
 */
export function listDefinitionFiles(root: string): DefinitionFileListing {
  const files: DefinitionFile[] = [];
  const problems: FileProblem[] = [];
  const seenDirectories = new Set<string>();
  const seenFiles = new Set<string>();

  const walk = (relative: string, ancestors: ReadonlySet<string>): void => {
    const absoluteDir = relative === "" ? root : path.join(root, relative);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absoluteDir, { withFileTypes: true });
    } catch (err) {
      problems.push({ relative: relative || ".", message: accessProblem(err, false, () => "") });
      return;
    }
    entries.sort((a, b) => byCodeUnits(a.name, b.name));
    for (const entry of entries) {
      if (isSkipped(entry.name)) continue;
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      const absolute = path.join(root, child);
      const isLink = entry.isSymbolicLink();
      let stat: fs.Stats;
      try {
        stat = isLink ? fs.statSync(absolute) : fs.lstatSync(absolute);
      } catch (err) {
        problems.push({ relative: child, message: accessProblem(err, isLink, () => fs.readlinkSync(absolute)) });
        continue;
      }
      if (stat.isDirectory()) {
        const real = fs.realpathSync(absolute);
        if (ancestors.has(real)) {
          problems.push({
            relative: child,
            message: `symlink loop: it points back to ${JSON.stringify(real)}, a folder that contains it`,
          });
        } else if (!seenDirectories.has(real)) {
          seenDirectories.add(real);
          walk(child, new Set([...ancestors, real]));
        }
        continue;
      }
      if (!DEFINITION_FILE.test(entry.name)) continue;
      if (!stat.isFile()) {
        problems.push({ relative: child, message: "not a regular file" });
        continue;
      }
      const real = fs.realpathSync(absolute);
      if (seenFiles.has(real)) continue;
      seenFiles.add(real);
      files.push({ relative: child, absolute });
    }
  };

  const realRoot = fs.realpathSync(root);
  seenDirectories.add(realRoot);
  walk("", new Set([realRoot]));
  files.sort((a, b) => byCodeUnits(a.relative, b.relative));
  problems.sort((a, b) => byCodeUnits(a.relative, b.relative));
  return { files, problems };
}
