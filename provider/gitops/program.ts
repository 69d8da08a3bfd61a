/**
 * GitOps in a Pulumi program: one `Account` per definition, named from source + nativeIdentity
 * only, so moving or reordering definitions never replaces an account.
 */
import * as pulumi from "@pulumi/pulumi";
import { Account, type AccountArgs } from "../resources/account";
import type { AccountDefinition } from "./definitions";
import { formatDefinitionError } from "./definitions";
import { ALLOW_EMPTY_CONFIG_KEY, emptyDefinitionsProblem } from "./empty-definitions";
import { loadDefinitionsSync } from "./loader";

export interface AccountsFromDirectoryOptions {
  /** Applied to every account (e.g. a provider-wide `protect`, `dependsOn`, `retainOnDelete`). */
  resourceOptions?: pulumi.CustomResourceOptions;
  /** Declare only the accounts of these sources (each must be named by some definitions file). */
  sourceIds?: readonly string[];
  /**
   * Declare zero accounts (which deletes every account the stack manages) instead of refusing.
   * Default: the stack config `isc-accounts:allowEmpty` (false when unset).
   */
  allowEmpty?: boolean;
}

/** The definition each account was declared from, for summarizeAccounts(). */
const definitionOf = new WeakMap<Account, AccountDefinition>();

/** The Account inputs of a definition: its declared fields; keys the author did not write stay out (= not managed). */
export function accountArgs(definition: AccountDefinition): AccountArgs {
  const { resourceName: _name, location: _location, ...declared } = definition;
  return declared;
}

/**
 * Loads the definitions under `dir` and declares their accounts. Throws one Error listing every
 * `file:line: message` problem, so a broken definition fails the preview before anything changes,
 * and refuses to declare zero accounts unless `allowEmpty` (see empty-definitions.ts).
 */
export function accountsFromDirectory(dir: string, opts: AccountsFromDirectoryOptions = {}): Account[] {
  const loaded = loadDefinitionsSync(dir);
  if (loaded.errors.length > 0) {
    throw new Error(`invalid account definitions in ${dir}:\n${loaded.errors.map(formatDefinitionError).join("\n")}`);
  }
  // Doubtful input (nativeIdentities that differ only in case) shows in a preview as in validate.
  for (const warning of loaded.warnings) void pulumi.log.warn(formatDefinitionError(warning));
  let definitions = loaded.definitions;
  if (opts.sourceIds) {
    const unknown = opts.sourceIds.filter((id) => !loaded.sourceIds.includes(id));
    if (unknown.length > 0)
      throw new Error(`sourceIds not named by any definitions file in ${dir}: ${unknown.join(", ")}`);
    const wanted = new Set(opts.sourceIds);
    definitions = definitions.filter((d) => wanted.has(d.sourceId));
  }
  const emptyProblem = emptyDefinitionsProblem(
    dir,
    { accounts: definitions.length, files: loaded.files.length },
    `pass { allowEmpty: true } to accountsFromDirectory() or set the stack config ${ALLOW_EMPTY_CONFIG_KEY} to ` +
      `true (pulumi config set ${ALLOW_EMPTY_CONFIG_KEY} true)`,
  );
  if (emptyProblem && !(opts.allowEmpty ?? new pulumi.Config("isc-accounts").getBoolean("allowEmpty") ?? false))
    throw new Error(emptyProblem);
  return definitions.map((definition) => {
    const account = new Account(definition.resourceName, accountArgs(definition), opts.resourceOptions);
    definitionOf.set(account, definition);
    return account;
  });
}

export interface AccountsSummary {
  accountCount: number;
  /** Number of declared accounts per source id. */
  accountsPerSource: Record<string, number>;
  /** ISC account id per resource name (unknown in a preview until the account exists). */
  accountIds: Record<string, pulumi.Output<string>>;
}

/** Stack exports for accounts declared by accountsFromDirectory(). */
export function summarizeAccounts(accounts: readonly Account[]): AccountsSummary {
  const accountsPerSource: Record<string, number> = {};
  const accountIds: Record<string, pulumi.Output<string>> = {};
  const entries = accounts.map((account) => {
    const definition = definitionOf.get(account);
    if (!definition) throw new Error("summarizeAccounts: every account must come from accountsFromDirectory()");
    return { account, definition };
  });
  entries.sort((a, b) => (a.definition.resourceName < b.definition.resourceName ? -1 : 1));
  for (const { account, definition } of entries) {
    accountsPerSource[definition.sourceId] = (accountsPerSource[definition.sourceId] ?? 0) + 1;
    accountIds[definition.resourceName] = account.accountId;
  }
  return { accountCount: accounts.length, accountsPerSource: sortedKeys(accountsPerSource), accountIds };
}

function sortedKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
