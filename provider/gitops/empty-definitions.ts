/**
 * The most dangerous input of all: no definitions. A Pulumi program that declares no accounts
 * deletes every account it declared before, so an empty set (an empty folder, a wrong
 * `definitionsDir`, a filter that matched nothing) is refused unless the user asked for it, the way
 * `terraform destroy` must be asked for rather than reached by emptying a folder.
 */

/** Stack config key (namespace `isc-accounts`) that allows an empty set in a Pulumi program. */
export const ALLOW_EMPTY_CONFIG_KEY = "isc-accounts:allowEmpty";

export interface DefinitionsCount {
  accounts: number;
  files: number;
}

/** Why an empty set is refused, and the explicit ways to allow it; undefined when there are accounts. */
export function emptyDefinitionsProblem(dir: string, count: DefinitionsCount, howToAllow: string): string | undefined {
  if (count.accounts > 0) return undefined;
  const found =
    count.files === 0 ? `no definition files (*.yaml, *.yml) in ${dir}` : `no accounts are defined in ${dir}`;
  return (
    `${found}: applying that would delete every account this stack manages. If that is what you want, ` +
    `${howToAllow}`
  );
}
