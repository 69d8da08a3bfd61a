/**
 * Loads GitOps account definitions: every *.yaml / *.yml file under a directory (recursively, in
 * sorted path order so results never depend on the file system), validated against
 * schema/accounts.schema.json, with every problem reported as file:line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LineCounter, isMap, isNode, isPair, isScalar, parseDocument, type Document, type Node } from "yaml";
import type { AccountDefinition, DefinitionError, DefinitionLocation, LoadResult } from "./definitions";
import { formatLocation } from "./definitions";
import { accountResourceName } from "./naming";
import { definitionsValidator, schemaProblems } from "./schema";
import { desiredAccountFrom } from "../resources/account/inputs";
import type { AccountDeclaration } from "../resources/account/fields";

const DEFINITION_FILE = /\.ya?ml$/i;

/** Shape of a file once it passed the schema. */
interface DefinitionsFile {
  source: string;
  defaults?: FileDefaults;
  accounts: AccountEntry[];
}

/** Keys a file's `defaults` may set (fields declared for "account-and-defaults"; the schema enforces which). */
type FileDefaults = Partial<AccountDeclaration>;

/** One entry of `accounts`: any of the fields declared for GitOps accounts (the schema enforces which). */
type AccountEntry = Omit<Partial<AccountDeclaration>, "sourceId"> & { nativeIdentity: string };

/** Relative, `/`-separated, sorted paths of the definition files under `dir` (dot-entries skipped). */
function listDefinitionFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (DEFINITION_FILE.test(entry.name) && fs.statSync(path.join(dir, child)).isFile()) found.push(child);
    }
  };
  walk("");
  // Code-unit order, not locale order: identical on every machine.
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Synchronous loader (a Pulumi program declares its resources synchronously). */
export function loadDefinitionsSync(dir: string): LoadResult {
  const result: LoadResult = { definitions: [], errors: [], files: [], sourceIds: [] };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    result.errors.push({ file: dir, line: 0, message: "definitions directory not found" });
    return result;
  }
  // A single file is accepted too (`isc-accounts validate accounts.yaml`).
  const root = stat.isDirectory() ? dir : path.dirname(dir);
  result.files = stat.isDirectory() ? listDefinitionFiles(dir) : [path.basename(dir)];
  if (result.files.length === 0) {
    result.errors.push({ file: dir, line: 0, message: "no definition files (*.yaml, *.yml) found in this directory" });
    return result;
  }

  const sources = new Set<string>();
  const firstDefinition = new Map<string, DefinitionLocation>();
  for (const file of result.files) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, file), "utf8");
    } catch (err) {
      result.errors.push({ file, line: 0, message: `cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      continue;
    }
    const parsed = parseDefinitionsFile(file, text);
    result.errors.push(...parsed.errors);
    if (parsed.sourceId !== undefined) sources.add(parsed.sourceId);
    for (const definition of parsed.definitions) {
      const key = JSON.stringify([definition.sourceId, definition.nativeIdentity]);
      const first = firstDefinition.get(key);
      if (first) {
        result.errors.push({
          ...definition.location,
          message: `duplicate account ${definition.nativeIdentity} on source ${definition.sourceId} (first defined at ${formatLocation(first)})`,
        });
        continue;
      }
      firstDefinition.set(key, definition.location);
      result.definitions.push(definition);
    }
  }
  result.sourceIds = [...sources].sort();
  return result;
}

export async function loadDefinitions(dir: string): Promise<LoadResult> {
  return loadDefinitionsSync(dir);
}

interface ParsedFile {
  sourceId?: string;
  definitions: AccountDefinition[];
  errors: DefinitionError[];
}

/** Parses and validates one file's text. `file` is only used to label locations. */
export function parseDefinitionsFile(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  if (doc.errors.length > 0) {
    return { definitions: [], errors: doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: yamlErrorMessage(e.code, e.message, text, e.pos[0]) })) };
  }
  if (doc.contents === null) {
    return { definitions: [], errors: [{ file, line: 1, message: 'empty file: expected a map with the keys "source" and "accounts"' }] };
  }

  let data: unknown;
  try {
    data = doc.toJS(); // throws on alias bombs (more aliases than yaml's maxAliasCount)
  } catch (err) {
    return { definitions: [], errors: [{ file, line: 1, message: `YAML error: ${(err as Error).message}` }] };
  }
  const validate = definitionsValidator();
  if (!validate(data)) {
    const problems = schemaProblems(validate.errors ?? []);
    const errors = problems
      .map((p) => ({ file, ...at(offsetOf(doc, p.path, p.key)), message: p.message }))
      .sort((a, b) => a.line - b.line || a.column - b.column);
    return { ...usableAccounts(file, doc, data as DefinitionsFile, problems.map((p) => p.path), at), errors };
  }
  return { ...usableAccounts(file, doc, data as DefinitionsFile, [], at), errors: [] };
}

/**
 * The accounts of a file that can still be trusted despite schema problems elsewhere in it, so
 * one run reports duplicates too. Nothing is usable when the source or defaults are broken.
 */
function usableAccounts(
  file: string,
  doc: Document,
  data: DefinitionsFile,
  problemPaths: ReadonlyArray<ReadonlyArray<string | number>>,
  at: (offset: number) => { line: number },
): Omit<ParsedFile, "errors"> {
  const brokenAccounts = new Set<number>();
  for (const p of problemPaths) {
    if (p[0] === "accounts" && typeof p[1] === "number") brokenAccounts.add(p[1]);
    else return { definitions: [] };
  }
  const definitions = data.accounts.flatMap((entry, index) => {
    if (brokenAccounts.has(index)) return [];
    const location = { file, line: at(offsetOf(doc, ["accounts", index])).line };
    return [toDefinition(data.source, data.defaults ?? {}, entry, location)];
  });
  return { sourceId: data.source, definitions };
}

/** The definition of an entry that passed the schema and the Account's checks: the same conversion Pulumi inputs get. */
function toDefinition(sourceId: string, defaults: FileDefaults, entry: AccountEntry, location: DefinitionLocation): AccountDefinition {
  // Only keys the author wrote (or defaulted) stay: absent means "not managed" downstream.
  const declared = desiredAccountFrom({ ...defaults, ...entry, sourceId });
  return { ...declared, resourceName: accountResourceName(sourceId, entry.nativeIdentity), location };
}

/**
 * Source offset of the node at `segments` (or of the key `key` of the map there), falling back to
 * the nearest ancestor that exists, so every schema error gets a line.
 */
function offsetOf(doc: Document, segments: ReadonlyArray<string | number>, key?: string): number {
  if (key !== undefined) {
    const map = doc.getIn(segments, true);
    if (isMap(map)) {
      const pair = map.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
      if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
    }
  }
  for (let depth = segments.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(segments.slice(0, depth), true);
    if (isNode(node) && (node as Node).range) return (node as Node).range![0];
  }
  return 0;
}

function yamlErrorMessage(code: string, message: string, text: string, offset: number): string {
  switch (code) {
    case "DUPLICATE_KEY": {
      const key = /^\s*(["']?)(.*?)\1\s*:/.exec(text.slice(offset).split("\n")[0] ?? "")?.[2];
      return key !== undefined ? `duplicate key "${key}"` : "duplicate key";
    }
    case "MULTIPLE_DOCS":
      return "a definitions file must hold a single YAML document (remove the '---' separator)";
    default:
      return `YAML syntax error: ${message}`;
  }
}
