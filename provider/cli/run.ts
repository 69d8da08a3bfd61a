/**
 * The `isc-accounts` command line: `validate` (offline) and `drift` (reads the tenant). Exposed as
 * a function of argv and I/O so tests run it in-process; isc-accounts.ts is the thin bin wrapper.
 *
 * Exit codes: 0 = OK / no drift, 2 = drift found, 1 = anything else (invalid definitions, usage,
 * configuration, connection or API error).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import { redactSecrets } from "../client/errors";
import { SETTING_ENV_VARS } from "../client/settings";
import { formatDefinitionError, type DefinitionError, type LoadResult } from "../gitops/definitions";
import { detectDrift } from "../gitops/drift";
import { driftReportJson, driftSummaryLine, formatDriftTable } from "../gitops/drift-format";
import { hasDrift } from "../gitops/drift-report";
import { emptyDefinitionsProblem } from "../gitops/empty-definitions";
import { loadDefinitionsSync } from "../gitops/loader";
import { packageRoot } from "../gitops/schema";
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from "./exit-codes";
import { registerOnboardingCommands } from "./onboarding-commands";
import { progressLine } from "./progress";
import { CONNECTION_HELP, isSourceId, tenantClient } from "./tenant";

export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: NodeJS.ProcessEnv;
  /** Whether stderr is an interactive terminal (enables the progress line). */
  isTTY: boolean;
}

interface ValidateFlags {
  allowEmpty?: boolean;
}

interface DriftFlags {
  json?: boolean;
  source?: string[];
  includeUnmanaged?: boolean;
  all?: boolean;
  baseUrl?: string;
  clientId?: string;
}

function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as {
    version?: string;
  };
  return manifest.version ?? "0.0.0";
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * Loads definitions; prints every warning and error (all of them, in one run) and returns undefined when there are
 * errors.
 */
function loadOrReport(dir: string, io: CliIo): LoadResult | undefined {
  const result = loadDefinitionsSync(dir);
  // Warnings never fail a command, but they are always shown: they are why a later `up` may surprise.
  for (const warning of result.warnings) io.stderr.write(`${formatDefinitionWarning(warning)}\n`);
  if (result.errors.length === 0) return result;
  for (const error of result.errors) io.stderr.write(`${formatDefinitionError(error)}\n`);
  io.stderr.write(`${plural(result.errors.length, "error")} in the definitions\n`);
  return undefined;
}

/** `file:line: warning: message`, the form editors and CI annotate as a warning. */
function formatDefinitionWarning(warning: DefinitionError): string {
  return formatDefinitionError({ ...warning, message: `warning: ${warning.message}` });
}

function validateCommand(dir: string, flags: ValidateFlags, io: CliIo): number {
  const result = loadOrReport(dir, io);
  if (!result) return EXIT_ERROR;
  // validate is what CI runs before `pulumi up`: it refuses what the program would refuse.
  const emptyProblem = emptyDefinitionsProblem(
    dir,
    { accounts: result.definitions.length, files: result.files.length },
    "pass --allow-empty here and set the stack config isc-accounts:allowEmpty for the Pulumi program",
  );
  if (emptyProblem && flags.allowEmpty !== true) return fail(io, emptyProblem);
  const warnings = result.warnings.length > 0 ? `, ${plural(result.warnings.length, "warning")}` : "";
  io.stdout.write(
    `OK: ${plural(result.definitions.length, "account")} in ${plural(result.files.length, "file")} ` +
      `(${plural(result.sourceIds.length, "source")})${warnings}\n`,
  );
  return EXIT_OK;
}

async function driftCommand(dir: string, flags: DriftFlags, io: CliIo): Promise<number> {
  const loaded = loadOrReport(dir, io);
  if (!loaded) return EXIT_ERROR;
  if (loaded.sourceIds.length === 0)
    return fail(io, `no definitions file in ${dir} names a source: nothing to compare`);

  const requestedSources = flags.source ?? [];
  for (const id of requestedSources) {
    if (!isSourceId(id))
      return fail(io, `--source ${JSON.stringify(id)}: must be a 32-character lowercase hex source id`);
    if (!loaded.sourceIds.includes(id))
      return fail(io, `--source ${id}: no definitions file in ${dir} names this source`);
  }
  const sourceIds = requestedSources.length > 0 ? [...new Set(requestedSources)] : loaded.sourceIds;

  const client = tenantClient(flags, io.env);
  const progress = progressLine(io.stderr, io.isTTY);
  let report;
  try {
    report = await detectDrift(client, loaded.definitions, {
      sourceIds,
      includeUnmanaged: flags.includeUnmanaged === true,
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.finish();
  }

  const render = { includeInSync: flags.all === true };
  if (flags.json) {
    io.stdout.write(driftReportJson(report, render));
  } else {
    const table = formatDriftTable(report, render);
    io.stdout.write(`${table}${table ? "\n" : ""}${driftSummaryLine(report)}\n`);
  }
  return hasDrift(report) ? EXIT_FINDINGS : EXIT_OK;
}

function fail(io: CliIo, message: string): number {
  io.stderr.write(`error: ${message}\n`);
  return EXIT_ERROR;
}

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command("isc-accounts")
    .description(
      "GitOps definitions for SailPoint ISC flat-file source accounts: validate them, and detect drift against " +
        "a tenant.",
    )
    .version(packageVersion())
    // Settings below are inherited by the subcommands, so they must come before them.
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError("(add --help for usage)");

  program
    .command("validate")
    .summary("check definition files offline")
    .description(
      "Check definition files offline (syntax, schema, duplicates) and print every problem as file:line. Exit 0 when " +
        "valid (warnings are printed but do not fail), 1 otherwise. No accounts at all is an error unless " +
        "--allow-empty.",
    )
    .argument("<dir>", "definitions directory (read recursively) or a single file")
    .option(
      "--allow-empty",
      "accept definitions that declare no account (a Pulumi program applying them deletes every account)",
    )
    .action((dir: string, flags: ValidateFlags) => setExitCode(validateCommand(dir, flags, io)));

  program
    .command("drift")
    .summary("compare the definitions with the tenant")
    .description(
      "Compare the definitions with the tenant (no Pulumi state needed). Exit 0: no drift, 2: drift found, " +
        `1: error.\n${CONNECTION_HELP}`,
    )
    .argument("<dir>", "definitions directory (read recursively) or a single file")
    .option("--json", "print the report as JSON (format: docs/drift-json.md)")
    .option("--source <id>", "only this source (repeatable)", (id: string, ids: string[] = []) => [...ids, id])
    .option(
      "--include-unmanaged",
      "also report accounts on the sources that no definition declares (they count as drift)",
    )
    .option("--all", "also list accounts that are in sync")
    .option("--base-url <url>", `tenant API base URL (default: $${SETTING_ENV_VARS.baseUrl})`)
    .option("--client-id <id>", `API client id (default: $${SETTING_ENV_VARS.clientId})`)
    .action(async (dir: string, flags: DriftFlags) => setExitCode(await driftCommand(dir, flags, io)));

  registerOnboardingCommands(program, io, setExitCode);
  return program;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (err) {
    // Help and --version end with exit code 0; usage errors were already printed by commander.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    const message = err instanceof Error ? err.message : String(err);
    // The client never puts the secret in messages; this is a second line of defence.
    return fail(io, redactSecrets(message, [io.env[SETTING_ENV_VARS.clientSecret]]));
  }
}
