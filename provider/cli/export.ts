/**
 * `isc-accounts export --source <id|name>... --out <dir>`: writes one definitions file per source that
 * adopts every existing account (gitops/export.ts renders it). Everything is read before anything is
 * written, and existing files are never replaced without --force.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { IscClient } from "../client/request";
import { exportFileName, exportedAttributeNames, renderExport } from "../gitops/export";
import { EXIT_OK } from "./exit-codes";
import { progressLine } from "./progress";
import type { CliIo } from "./run";
import { fail } from "./source-definitions";
import { flatFileSource, sourceAccounts, tenantClient, type ConnectionFlags, type FlatFileSource } from "./tenant";

export interface ExportFlags extends ConnectionFlags {
  source?: string[];
  out?: string;
  attribute?: string[];
  force?: boolean;
}

interface PlannedFile extends FlatFileSource {
  fileName: string;
}

/** Resolves every source and its file name first, so a typo or a clash costs no account listing. */
async function planFiles(
  client: IscClient,
  requested: readonly string[],
  attributes: readonly string[] | undefined,
): Promise<PlannedFile[]> {
  const planned: PlannedFile[] = [];
  const seen = new Set<string>();
  const taken = new Set<string>();
  for (const idOrName of requested) {
    const resolved = await flatFileSource(client, idOrName);
    if (seen.has(resolved.source.id)) continue;
    seen.add(resolved.source.id);
    exportedAttributeNames({ id: resolved.source.id, name: resolved.source.name, schema: resolved.schema }, attributes);
    const fileName = exportFileName(resolved.source, taken);
    taken.add(fileName);
    planned.push({ ...resolved, fileName });
  }
  return planned;
}

export async function exportCommand(flags: ExportFlags, io: CliIo): Promise<number> {
  const requested = flags.source ?? [];
  if (requested.length === 0) return fail(io, "--source <id|name> is required (repeatable)");
  if (!flags.out) return fail(io, "--out <dir> is required");
  const outDir = flags.out;
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) return fail(io, `--out ${outDir}: not a directory`);

  const client = tenantClient(flags, io.env);
  const planned = await planFiles(client, requested, flags.attribute);
  const existing = planned.map((p) => path.join(outDir, p.fileName)).filter((file) => fs.existsSync(file));
  if (existing.length > 0 && !flags.force) {
    return fail(io, `would overwrite ${existing.join(", ")}; remove, choose another --out, or pass --force`);
  }

  const rendered: Array<{ file: string; text: string; summary: string }> = [];
  const progress = progressLine(io.stderr, io.isTTY);
  try {
    for (const { source, schema, fileName } of planned) {
      io.stderr.write(`reading source "${source.name}" (${source.id})\n`);
      const accounts = await sourceAccounts(client, source.id, (scanned) =>
        progress.update({ sourceId: source.id, scanned }),
      );
      progress.finish();
      const result = renderExport(
        { id: source.id, name: source.name, schema, accounts },
        { attributes: flags.attribute },
      );
      for (const warning of result.warnings) io.stderr.write(`warning: source ${source.id}: ${warning}\n`);
      rendered.push({
        file: fileName,
        text: result.text,
        summary:
          `${result.accountCount} account${result.accountCount === 1 ? "" : "s"} of source "${source.name}" ` +
          `(${source.id})`,
      });
    }
  } finally {
    progress.finish();
  }

  fs.mkdirSync(outDir, { recursive: true });
  for (const { file, text, summary } of rendered) {
    fs.writeFileSync(path.join(outDir, file), text);
    io.stdout.write(`wrote ${path.join(outDir, file)}: ${summary}\n`);
  }
  return EXIT_OK;
}
