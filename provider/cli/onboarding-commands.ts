/**
 * Registers the onboarding commands on the `isc-accounts` program: `export` (tenant -> definitions),
 * `csv` (definitions -> aggregation file) and `check-csv` (what aggregating a file would do).
 */
import type { Command } from "commander";
import { SETTING_ENV_VARS } from "../client/settings";
import { checkCsvCommand, type CheckCsvFlags } from "./check-csv";
import { csvCommand, type CsvFlags } from "./csv";
import { exportCommand, type ExportFlags } from "./export";
import type { CliIo } from "./run";
import { CONNECTION_HELP } from "./tenant";

const repeatable = (value: string, values: string[] = []): string[] => [...values, value];

function withConnection(command: Command): Command {
  return command
    .option("--base-url <url>", `tenant API base URL (default: $${SETTING_ENV_VARS.baseUrl})`)
    .option("--client-id <id>", `API client id (default: $${SETTING_ENV_VARS.clientId})`);
}

export function registerOnboardingCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  withConnection(
    program
      .command("export")
      .summary("write definitions that adopt a source's existing accounts")
      .description(
        "Write one definitions file per source (named from the source name) with every existing account, sorted by " +
          "nativeIdentity, " +
          "`defaults: { adopt: true }`, the schema's attributes, identityId of correlated accounts and `enabled: " +
          "false` of disabled ones. " +
          "Reads 250 accounts per call; exporting an unchanged tenant twice gives identical files. Exit 0: " +
          "written, 1: error.\n" +
          CONNECTION_HELP,
      )
      .option("--source <id|name>", "source to export, by id or exact name (repeatable)", repeatable)
      .option("--out <dir>", "directory to write the files to (created if missing)")
      .option(
        "--attribute <name>",
        "export only this attribute (repeatable; default: every attribute of the account schema)",
        repeatable,
      )
      .option("--force", "overwrite existing files"),
  ).action(async (flags: ExportFlags) => setExitCode(await exportCommand(flags, io)));

  withConnection(
    program
      .command("csv")
      .summary("write a source's aggregation CSV as Git says it should be")
      .description(
        "Write the source's aggregation file from the definitions: header from the account schema (identity " +
          "attribute first), one row per declared account (one extra row per additional value of a multi-valued " +
          "attribute, as SailPoint's Delimited File connector documents), RFC 4180 quoting. Attributes a definition " +
          "does not declare keep the tenant's value. The file cannot carry disabled or locked state. Exit 0: " +
          "written, 1: error.\n" +
          CONNECTION_HELP,
      )
      .argument("<dir>", "definitions directory (read recursively) or a single file")
      .option("--source <id>", "the source (32-character hex id; required)")
      .option(
        "--include-unmanaged",
        "also keep the tenant's accounts that no definition declares, so aggregating the file removes nothing",
      )
      .option("--out <file>", "write the CSV to this file (default: stdout)"),
  ).action(async (dir: string, flags: CsvFlags) => setExitCode(await csvCommand(dir, flags, io)));

  withConnection(
    program
      .command("check-csv")
      .summary("tell what aggregating a CSV would do to managed accounts")
      .description(
        "Before a CSV is aggregated: which declared accounts it lacks (aggregation would remove them), which " +
          "declared attribute values it changes (aggregation would overwrite them), and which rows no definition " +
          "declares. The header must match the account schema; unknown columns, a missing identity column and " +
          "repeated identities are errors naming the row. Exit 0: nothing harmful, 2: harmful differences, 1: " +
          "error.\n" +
          CONNECTION_HELP,
      )
      .argument("<dir>", "definitions directory (read recursively) or a single file")
      .argument("<file.csv>", "the CSV that is about to be aggregated")
      .option("--source <id>", "the source the CSV is for (32-character hex id; required)")
      .option("--json", "print the report as JSON (format: docs/check-csv-json.md)")
      .option("--all", "also list declared accounts that match"),
  ).action(async (dir: string, file: string, flags: CheckCsvFlags) =>
    setExitCode(await checkCsvCommand(dir, file, flags, io)),
  );
}
