/** The definitions of the one source a `csv` / `check-csv` run is about, with every problem printed. */
import { formatDefinitionError, type AccountDefinition } from "../gitops/definitions";
import { loadDefinitionsSync } from "../gitops/loader";
import { EXIT_ERROR } from "./exit-codes";
import type { CliIo } from "./run";
import { isSourceId } from "./tenant";

export function fail(io: CliIo, message: string): number {
  io.stderr.write(`error: ${message}\n`);
  return EXIT_ERROR;
}

export interface SourceDefinitions {
  sourceId: string;
  /** In file order, then document order. */
  definitions: AccountDefinition[];
}

/** Undefined (after printing why) when the definitions are invalid or do not name the source. */
export function definitionsOfSource(
  dir: string,
  sourceId: string | undefined,
  io: CliIo,
): SourceDefinitions | undefined {
  if (sourceId === undefined) {
    fail(io, "--source <id> is required");
    return undefined;
  }
  if (!isSourceId(sourceId)) {
    fail(io, `--source ${JSON.stringify(sourceId)}: must be a 32-character lowercase hex source id`);
    return undefined;
  }
  const loaded = loadDefinitionsSync(dir);
  if (loaded.errors.length > 0) {
    for (const error of loaded.errors) io.stderr.write(`${formatDefinitionError(error)}\n`);
    fail(io, `${loaded.errors.length} error${loaded.errors.length === 1 ? "" : "s"} in the definitions`);
    return undefined;
  }
  if (!loaded.sourceIds.includes(sourceId)) {
    fail(io, `--source ${sourceId}: no definitions file in ${dir} names this source`);
    return undefined;
  }
  return { sourceId, definitions: loaded.definitions.filter((d) => d.sourceId === sourceId) };
}
