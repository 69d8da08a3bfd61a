/**
 * Shapes produced by the GitOps definitions loader (see schema/accounts.schema.json for the file
 * format) and consumed by the Pulumi program, drift detection and the CLI.
 */
import type { AccountDeclaration } from "../resources/account/fields";

/** Where something was written: file relative to the definitions directory (always `/`-separated), 1-based line. */
export interface DefinitionLocation {
  file: string;
  line: number;
}

/**
 * One account as declared in a file, with the file's `defaults` already applied: the Account's
 * declaration (the same type a Pulumi program declares and the engine plans from) plus where it was
 * written. Absent optional keys are not managed; `enabled` and `attributes` are always present.
 */
export type AccountDefinition = AccountDeclaration & {
  /** Pulumi resource name, derived only from sourceId + nativeIdentity (see naming.ts). */
  resourceName: string;
  location: DefinitionLocation;
};

/** A problem in the definitions. `line` is 0 when it concerns a whole file or directory. */
export interface DefinitionError {
  file: string;
  line: number;
  column?: number;
  message: string;
}

export interface LoadResult {
  /** Every valid account, in file order then document order. Meaningful only when `errors` is empty. */
  definitions: AccountDefinition[];
  errors: DefinitionError[];
  /** Definition files read, relative to the directory, sorted. */
  files: string[];
  /** Every source named by a file (also files with an empty `accounts` list), sorted. */
  sourceIds: string[];
}

/** `file:line: message` (or `file: message` for errors without a line), the format editors and CI annotate. */
export function formatDefinitionError(error: DefinitionError): string {
  return error.line > 0 ? `${error.file}:${error.line}: ${error.message}` : `${error.file}: ${error.message}`;
}

export function formatLocation(location: DefinitionLocation): string {
  return `${location.file}:${location.line}`;
}
