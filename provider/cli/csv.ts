/**
 * `isc-accounts csv <dir> --source <id>`: the source's aggregation file as Git says it should be
 * (gitops/aggregation-csv.ts writes it). Declared attributes come from the definitions; attributes a
 * definition does not manage keep the tenant's current value, so aggregating the file changes only
 * what Git manages. With --include-unmanaged, accounts no definition declares are kept as they are.
 */
import * as fs from "node:fs";
import { canonicalAttributeValue } from "../engine/normalize";
import type { Account } from "../client/types";
import { csvLayout, renderAggregationCsv, type CsvAccount, type CsvLayout } from "../gitops/aggregation-csv";
import { formatLocation, type AccountDefinition } from "../gitops/definitions";
import { validateAgainstSchema } from "../resources/account/inputs";
import { EXIT_ERROR, EXIT_OK } from "./exit-codes";
import { progressLine } from "./progress";
import type { CliIo } from "./run";
import { definitionsOfSource, fail } from "./source-definitions";
import { flatFileSource, sourceAccounts, tenantClient, type ConnectionFlags } from "./tenant";

export interface CsvFlags extends ConnectionFlags {
  source?: string;
  includeUnmanaged?: boolean;
  out?: string;
}

/** Column values of an account: declared attributes from Git, the others from the tenant account (if any). */
function csvAccountOf(
  layout: CsvLayout,
  nativeIdentity: string,
  definition: AccountDefinition | undefined,
  current: Account | undefined,
): CsvAccount {
  const values: Record<string, string[]> = {};
  for (const column of layout.columns) {
    if (column === layout.identityAttribute) continue;
    const declared = definition !== undefined && Object.prototype.hasOwnProperty.call(definition.attributes, column);
    values[column] = canonicalAttributeValue(declared ? definition.attributes[column] : current?.attributes?.[column]);
  }
  return { nativeIdentity, values };
}

export async function csvCommand(dir: string, flags: CsvFlags, io: CliIo): Promise<number> {
  const scoped = definitionsOfSource(dir, flags.source, io);
  if (!scoped) return EXIT_ERROR;
  const { sourceId, definitions } = scoped;

  const client = tenantClient(flags, io.env);
  const { source, schema } = await flatFileSource(client, sourceId);
  const label = `${sourceId} ("${source.name}")`;
  const layout = csvLayout(schema, label);

  // The provider's own schema checks: a definition it would refuse cannot become a row either.
  const problems = definitions.flatMap((d) =>
    validateAgainstSchema(
      { nativeIdentity: d.nativeIdentity, attributes: d.attributes },
      schema ?? {},
      label,
    ).failures.map((f) => `${formatLocation(d.location)}: ${f.property ? `${f.property}: ` : ""}${f.reason}`),
  );
  if (problems.length > 0) {
    for (const problem of problems) io.stderr.write(`${problem}\n`);
    return fail(
      io,
      `${problems.length} definition${problems.length === 1 ? "" : "s"} cannot be written to the CSV of source ` +
        `${label}`,
    );
  }

  const progress = progressLine(io.stderr, io.isTTY);
  let accounts: Account[];
  try {
    accounts = await sourceAccounts(client, sourceId, (scanned) => progress.update({ sourceId, scanned }));
  } finally {
    progress.finish();
  }
  const current = new Map<string, Account>();
  for (const account of [...accounts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (!current.has(account.nativeIdentity)) current.set(account.nativeIdentity, account);
  }

  const declared = new Set(definitions.map((d) => d.nativeIdentity));
  const rows = definitions.map((d) => csvAccountOf(layout, d.nativeIdentity, d, current.get(d.nativeIdentity)));
  if (flags.includeUnmanaged) {
    for (const [nativeIdentity, account] of current)
      if (!declared.has(nativeIdentity)) rows.push(csvAccountOf(layout, nativeIdentity, undefined, account));
  }
  const text = renderAggregationCsv(layout, rows);

  const disabled = definitions.filter((d) => !d.enabled).length;
  if (disabled > 0) {
    io.stderr.write(
      `note: ${disabled} declared account${disabled === 1 ? " is" : "s are"} disabled; a delimited file has no ` +
        `documented column for the disabled state, so the file cannot carry it\n`,
    );
  }
  const summary =
    `${rows.length} account${rows.length === 1 ? "" : "s"} (${definitions.length} ` +
    `declared${flags.includeUnmanaged ? `, ${rows.length - definitions.length} unmanaged` : ""}) of source ${label}`;
  if (flags.out) {
    fs.writeFileSync(flags.out, text);
    io.stderr.write(`wrote ${flags.out}: ${summary}\n`);
  } else {
    io.stdout.write(text);
    io.stderr.write(`${summary}\n`);
  }
  return EXIT_OK;
}
