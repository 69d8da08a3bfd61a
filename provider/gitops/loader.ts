/**
 * Loads GitOps account definitions: every *.yaml / *.yml file under a directory (recursively, in
 * sorted path order so results never depend on the file system; see definition-files.ts), strictly
 * UTF-8, validated against schema/accounts.schema.json, with every problem reported as file:line
 * and all of them in one run (duplicates across files and documents included).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  LineCounter,
  isAlias,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Node,
} from "yaml";
import type { AccountDefinition, DefinitionError, DefinitionLocation, LoadResult } from "./definitions";
import { listDefinitionFiles, type DefinitionFile } from "./definition-files";
import { capQuotedInput } from "./message-cap";
import { decodeUtf8 } from "./utf8";
import { formatLocation } from "./definitions";
import { accountResourceName } from "./naming";
import { definitionsValidator, schemaProblems } from "./schema";
import { desiredAccountFrom } from "../resources/account/inputs";
import type { AccountDeclaration } from "../resources/account/fields";

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

/**
 * An account's source + nativeIdentity as written, read even from entries with other errors, so one
 * run reports duplicates too.
 */
interface DeclaredIdentity {
  sourceId: string;
  nativeIdentity: string;
  location: DefinitionLocation;
}

/** Why `dir` itself cannot be used, named for the author (not a raw errno). */
function directoryProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return "definitions directory not found";
  if (code === "ELOOP") return "symlink loop: the path resolves to itself (ELOOP)";
  return `cannot read the definitions directory: ${code ?? String(err)}`;
}

/**
 * Synchronous loader (a Pulumi program declares its resources synchronously). Every file, error and
 * location is named as the user can open it: `dir` as given joined with the path inside it (so
 * `validate accounts/` prints `accounts/hr.yaml:3`). An empty set of definitions is not an error
 * here; callers that would delete accounts refuse it (see empty-definitions.ts).
 */
export function loadDefinitionsSync(dir: string): LoadResult {
  const result: LoadResult = { definitions: [], errors: [], warnings: [], files: [], sourceIds: [] };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    result.errors.push({ file: dir, line: 0, message: directoryProblem(err) });
    return result;
  }
  // A single file is accepted too (`isc-accounts validate accounts.yaml`).
  let files: DefinitionFile[];
  const shown = stat.isDirectory() ? (relative: string) => path.join(dir, relative) : () => dir;
  if (stat.isDirectory()) {
    const listing = listDefinitionFiles(dir);
    result.errors.push(...listing.problems.map((p) => ({ file: shown(p.relative), line: 0, message: p.message })));
    files = listing.files;
  } else {
    files = [{ relative: path.basename(dir), absolute: dir }];
  }
  result.files = files.map((f) => f.relative);

  const sources = new Set<string>();
  const firstByKey = new Map<string, DefinitionLocation>();
  const firstBySpelling = new Map<string, DeclaredIdentity>();
  const definitionKeys = new Set<string>();
  for (const { relative, absolute } of files) {
    const file = shown(relative);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(absolute);
    } catch (err) {
      result.errors.push({
        file,
        line: 0,
        message: `cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      });
      continue;
    }
    const decoded = decodeUtf8(bytes);
    if (!decoded.ok) {
      result.errors.push({ file, line: decoded.line, message: decoded.message });
      continue;
    }
    const parsed = parseDefinitionsFile(file, decoded.text);
    result.errors.push(...parsed.errors);
    for (const sourceId of parsed.sourceIds) sources.add(sourceId);
    for (const identity of parsed.identities) {
      const key = JSON.stringify([identity.sourceId, identity.nativeIdentity]);
      const first = firstByKey.get(key);
      if (first) {
        result.errors.push({
          ...identity.location,
          message:
            `duplicate account ${identity.nativeIdentity} on source ${identity.sourceId} (first defined at ` +
            `${formatLocation(first)})`,
        });
        continue;
      }
      firstByKey.set(key, identity.location);
      // ISC does not document whether nativeIdentity is case-sensitive, and many tenants treat
      // `E4001` and `e4001` as one account: valid, but worth a look.
      const spellingKey = JSON.stringify([identity.sourceId, identity.nativeIdentity.toLowerCase()]);
      const sameButCase = firstBySpelling.get(spellingKey);
      if (sameButCase) {
        result.warnings.push({
          ...identity.location,
          message:
            `nativeIdentity ${JSON.stringify(identity.nativeIdentity)} differs only in case from ` +
            `${JSON.stringify(sameButCase.nativeIdentity)} (${formatLocation(sameButCase.location)}) on source ` +
            `${identity.sourceId}; many tenants treat them as one account`,
        });
      } else {
        firstBySpelling.set(spellingKey, identity);
      }
    }
    for (const definition of parsed.definitions) {
      const key = JSON.stringify([definition.sourceId, definition.nativeIdentity]);
      if (definitionKeys.has(key)) continue; // a duplicate, reported above
      definitionKeys.add(key);
      result.definitions.push(definition);
    }
  }
  result.sourceIds = [...sources].sort();
  result.errors = result.errors.map(cappedMessage);
  result.warnings = result.warnings.map(cappedMessage);
  return result;
}

function cappedMessage(error: DefinitionError): DefinitionError {
  return { ...error, message: capQuotedInput(error.message) };
}

export async function loadDefinitions(dir: string): Promise<LoadResult> {
  return loadDefinitionsSync(dir);
}

/** What one YAML document of a definitions file holds. */
interface ParsedFile {
  sourceId?: string;
  definitions: AccountDefinition[];
  errors: DefinitionError[];
}

/** What a definitions file holds: every document's accounts, errors and declared identities. */
export interface ParsedDefinitionsFile {
  sourceIds: string[];
  definitions: AccountDefinition[];
  errors: DefinitionError[];
  identities: DeclaredIdentity[];
}

/** The key a scalar map key becomes in a JavaScript object (null becomes ""). */
function jsKey(node: unknown): unknown {
  if (!isScalar(node)) return node;
  const { value } = node;
  if (value === null) return "";
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : node;
}

/**
 * Two map keys that become one key of a JavaScript object (`1` and `"1"`, `true` and `"true"`): a
 * duplicate, reported as such, or the second value would silently replace the first.
 */
function sameKeyInJs(a: unknown, b: unknown): boolean {
  return a === b || jsKey(a) === jsKey(b);
}

/**
 * The most values a document may expand to through its aliases. yaml's own limit (maxAliasCount,
 * 100 by default) counts each use of an anchor, so 100 accounts reusing `*dept` failed, while a list
 * of 10 000 values aliased 10 000 times passed; this counts what the aliases expand to instead.
 */
const MAX_EXPANDED_VALUES = 1_000_000;

class RecursiveAliasError extends Error {}

/**
 * How many values (scalars, collections, pairs' keys and values) the document becomes, each alias
 * counted as what it stands for: one walk in document order, where an alias means the latest anchor
 * of its name before it (as in YAML), so each is looked up, not searched for.
 */
function expandedSize(doc: Document): number {
  const anchored = new Map<string, unknown>();
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const target = anchored.get(node.source);
      if (open.has(target)) throw new RecursiveAliasError("an alias refers to a node that contains it");
      return target === undefined ? 1 : (sizes.get(target) ?? 1);
    }
    if (isPair(node)) return size(node.key) + size(node.value);
    if (isNode(node) && node.anchor) anchored.set(node.anchor, node);
    if (!isCollection(node)) return 1;
    open.add(node);
    let total = 1;
    for (const item of node.items) total += size(item);
    open.delete(node);
    sizes.set(node, total);
    return total;
  };
  return size(doc.contents);
}

/**
 * Parses and validates one file's text. `file` is only used to label locations. A file may hold
 * several `---`-separated documents, each a `{source, accounts}` map; empty documents (an empty or
 * comment-only file, a trailing `---`) hold no accounts and are accepted as placeholders.
 */
export function parseDefinitionsFile(file: string, text: string): ParsedDefinitionsFile {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: sameKeyInJs });
  const at = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const parsed: ParsedDefinitionsFile = { sourceIds: [], definitions: [], errors: [], identities: [] };
  for (const doc of docs) {
    const one = parseDefinitionsDocument(file, doc, text, at);
    if (one.sourceId !== undefined && !parsed.sourceIds.includes(one.sourceId)) parsed.sourceIds.push(one.sourceId);
    parsed.definitions.push(...one.definitions);
    parsed.errors.push(...one.errors);
    parsed.identities.push(...one.identities);
  }
  return parsed;
}

type Locate = (offset: number) => { line: number; column: number };

function parseDefinitionsDocument(
  file: string,
  doc: Document,
  text: string,
  at: Locate,
): ParsedFile & { identities: DeclaredIdentity[] } {
  // An unknown tag (`!vault jdoe`) is only a warning to yaml, which then reads the plain value: an error here.
  const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED")];
  const syntaxErrors = problems.map((e) => ({
    file,
    ...at(e.pos[0]),
    message: yamlErrorMessage(e.code, e.message, text, e.pos[0]),
  }));
  const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
  if (empty && syntaxErrors.length === 0) return { definitions: [], errors: [], identities: [] };
  // The parser recovers from most syntax errors; the accounts next to one are not trusted, the rest are.
  const untrusted =
    syntaxErrors.length > 0
      ? accountsNearErrors(
          doc,
          problems.map((e) => e.pos[0]),
          at,
        )
      : new Set<number>();
  if (untrusted === undefined) return { definitions: [], errors: syntaxErrors, identities: [] };

  let data: unknown;
  try {
    const values = expandedSize(doc);
    if (values > MAX_EXPANDED_VALUES) {
      throw new Error(
        `its aliases expand it to more than ${MAX_EXPANDED_VALUES.toLocaleString("en-US")} values ` +
          `(${values.toExponential(1)}): an alias bomb? Write the values out, or alias fewer or smaller nodes`,
      );
    }
    data = doc.toJS({ maxAliasCount: -1 }); // bounded by expandedSize above
  } catch (err) {
    return {
      definitions: [],
      errors: [...syntaxErrors, { file, line: 1, message: `YAML error: ${(err as Error).message}` }],
      identities: [],
    };
  }
  const identities = declaredIdentities(file, doc, data, untrusted, at);
  const untrustedPaths = [...untrusted].map((index) => ["accounts", index]);
  const validate = definitionsValidator();
  if (!validate(data)) {
    const problems = schemaProblems(validate.errors ?? []).filter(
      (p) => !(p.path[0] === "accounts" && untrusted.has(p.path[1] as number)),
    );
    // What the parser made of a garbled line says nothing the syntax error does not.
    const syntaxLines = new Set(syntaxErrors.map((e) => e.line));
    const schemaErrors = problems
      .map((p) => ({ file, ...at(offsetOf(doc, p.path, p.key)), message: p.message }))
      .filter((e) => !syntaxLines.has(e.line));
    const errors = [...syntaxErrors, ...schemaErrors].sort((a, b) => a.line - b.line || a.column - b.column);
    return {
      ...usableAccounts(file, doc, data, [...problems.map((p) => p.path), ...untrustedPaths], at),
      errors,
      identities,
    };
  }
  return {
    ...usableAccounts(file, doc, data as DefinitionsFile, untrustedPaths, at),
    errors: syntaxErrors,
    identities,
  };
}

/**
 * Indexes of the `accounts` items a syntax error may have garbled: the item holding the error and,
 * when the error sits on that item's first line (the parser often notices a problem only where the
 * next item starts), the one before. Undefined when an error lies outside the accounts list (in
 * `source` or `defaults`, which every account depends on): then nothing in the document is trusted.
 */
function accountsNearErrors(doc: Document, offsets: readonly number[], at: Locate): Set<number> | undefined {
  const accounts = isMap(doc.contents) ? doc.get("accounts", true) : undefined;
  if (!isSeq(accounts) || !accounts.range) return undefined;
  const starts = accounts.items.map((item) => (isNode(item) && item.range ? item.range[0] : Number.NaN));
  const untrusted = new Set<number>();
  for (const offset of offsets) {
    if (offset > accounts.range[2]) return undefined;
    let index = -1;
    starts.forEach((start, i) => {
      if (start <= offset) index = i;
    });
    if (index === -1) return undefined;
    untrusted.add(index);
    if (index > 0 && at(offset).line === at(starts[index]).line) untrusted.add(index - 1);
  }
  return untrusted;
}

/** source + nativeIdentity of every trusted entry that has both as strings, whatever else is wrong with it. */
function declaredIdentities(
  file: string,
  doc: Document,
  data: unknown,
  untrusted: ReadonlySet<number>,
  at: Locate,
): DeclaredIdentity[] {
  if (typeof data !== "object" || data === null) return [];
  const { source, accounts } = data as { source?: unknown; accounts?: unknown };
  if (typeof source !== "string" || !Array.isArray(accounts)) return [];
  return accounts.flatMap((entry: unknown, index) => {
    if (untrusted.has(index) || typeof entry !== "object" || entry === null) return [];
    const nativeIdentity = (entry as { nativeIdentity?: unknown }).nativeIdentity;
    if (typeof nativeIdentity !== "string") return [];
    return [
      { sourceId: source, nativeIdentity, location: { file, line: at(offsetOf(doc, ["accounts", index])).line } },
    ];
  });
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

/**
 * The definition of an entry that passed the schema and the Account's checks: the same conversion Pulumi inputs get.
 */
function toDefinition(
  sourceId: string,
  defaults: FileDefaults,
  entry: AccountEntry,
  location: DefinitionLocation,
): AccountDefinition {
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
    case "TAG_RESOLVE_FAILED": {
      const tag = /^!\S*/.exec(text.slice(offset))?.[0] ?? "";
      return `unknown YAML tag ${tag}: nothing here resolves tags, so the value would be read as plain text`;
    }
    default:
      return `YAML syntax error: ${message}`;
  }
}
