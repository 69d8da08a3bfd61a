/**
 * The most dangerous input of all: no definitions. A Pulumi program that declares no accounts
 * deletes every account it declared before, so an empty set (an empty folder, a wrong
 * `definitionsDir`, a filter that matched nothing) is refused unless the user asked for it, the way
 * `terraform destroy` must be asked for rather than reached by emptying a folder.
 */

/** Stack config key (namespace `isc-accounts`) that allows an empty set in a Pulumi program. */
export const ALLOW_EMPTY_CONFIG_KEY = "isc-accounts:allowEmpty";

/** Why an empty set is refused, and the explicit ways to allow it; undefined when `count` > 0. */
export function emptyDefinitionsProblem(dir: string, count: number, howToAllow: string): string | undefined {
  if (count > 0) return undefined;
  return (
    `no accounts are defined in ${dir}: applying that would delete every account this stack manages. ` +
    `If that is what you want, ${howToAllow}`
  );
}
