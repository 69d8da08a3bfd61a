/**
 * `isc-accounts check-csv <dir> <file.csv> --source <id>`: before a CSV is aggregated, what it would
 * do to the accounts Git manages (gitops/csv-check.ts). Exit 0: nothing harmful, 2: a declared account
 * would be removed or overwritten, 1: error (bad flags, definitions or CSV, connection).
 */
import * as fs from "node:fs";
import { csvLayout, parseAggregationCsv } from "../gitops/aggregation-csv";
import {
  checkCsvAgainstDefinitions,
  csvCheckReportJson,
  csvCheckSummaryLine,
  formatCsvCheckTable,
  isHarmful,
} from "../gitops/csv-check";
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from "./exit-codes";
import type { CliIo } from "./run";
import { definitionsOfSource, fail } from "./source-definitions";
import { flatFileSource, tenantClient, type ConnectionFlags } from "./tenant";

export interface CheckCsvFlags extends ConnectionFlags {
  source?: string;
  json?: boolean;
  all?: boolean;
}

export async function checkCsvCommand(dir: string, csvFile: string, flags: CheckCsvFlags, io: CliIo): Promise<number> {
  const scoped = definitionsOfSource(dir, flags.source, io);
  if (!scoped) return EXIT_ERROR;
  const { sourceId, definitions } = scoped;

  let content: Buffer;
  try {
    content = fs.readFileSync(csvFile);
  } catch (err) {
    return fail(io, `${csvFile}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }

  const client = tenantClient(flags, io.env);
  const { source, schema } = await flatFileSource(client, sourceId);
  const label = `${sourceId} ("${source.name}")`;
  const layout = csvLayout(schema, label);
  const parsed = parseAggregationCsv(content, layout, label);
  if (parsed.problems.length > 0) {
    for (const problem of parsed.problems) io.stderr.write(`${csvFile}: row ${problem.row}: ${problem.message}\n`);
    return fail(
      io,
      `${parsed.problems.length} problem${parsed.problems.length === 1 ? "" : "s"} in ${csvFile}; nothing was compared`,
    );
  }

  const report = checkCsvAgainstDefinitions(definitions, parsed.accounts, layout, { sourceId, file: csvFile });
  const render = { includeMatching: flags.all === true };
  if (flags.json) {
    io.stdout.write(csvCheckReportJson(report, render));
  } else {
    const table = formatCsvCheckTable(report, render);
    io.stdout.write(`${table}${table ? "\n" : ""}${csvCheckSummaryLine(report)}\n`);
  }
  return isHarmful(report) ? EXIT_FINDINGS : EXIT_OK;
}
