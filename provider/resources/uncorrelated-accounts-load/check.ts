/**
 * The check step of UncorrelatedAccountsLoad: input shape, the CSV read and hashed, and the CSV
 * validated against the source's identity attribute when the tenant can be asked. The same CSV
 * validation runs again at create/update, where the tenant must be reachable.
 */
import type * as pulumi from "@pulumi/pulumi";
import { messageOf } from "../shared/errors";
import { UNKNOWN, isUnknown } from "../shared/unknown";
import { describeCsvProblems, validateAccountsCsv } from "./csv";
import type { CheckFailure } from "../shared/source-job-checks";
import { csvUnknown, readLoadCsv, validateLoadInputs, type LoadCsv } from "./inputs";

type Raw = Record<string, unknown>;

/**
 * The source's identity attribute (undefined: the source has no account schema); throws when the source does not exist.
 */
export type IdentityAttributeLookup = (sourceId: string) => Promise<string | undefined>;

export interface LoadCheckOptions {
  /** Directory a relative csvPath is resolved from (the Pulumi program's directory). */
  cwd?: string;
  /** Absent when there are no connection settings (offline preview): the identity column is then checked at create. */
  identityAttributeOf?: IdentityAttributeLookup;
}

/** Validates the CSV; problems become failures of the input the CSV came from, one per row problem. */
export function checkCsv(
  csv: LoadCsv,
  identityAttribute: string | undefined,
): { failures: CheckFailure[]; dataRows: number } {
  const { problems, dataRows } = validateAccountsCsv(csv.bytes, { identityAttribute });
  const failures = describeCsvProblems(problems).map((line) => ({
    property: csv.property,
    reason: `${csv.label}: ${line}`,
  }));
  return { failures, dataRows };
}

/** Checked inputs carry `csvSha256`, the hash of the CSV's bytes, never the file's content. */
export async function checkLoadInputs(news: Raw, options: LoadCheckOptions = {}): Promise<pulumi.dynamic.CheckResult> {
  const inputs: Raw = { ...news };
  delete inputs.__provider;
  delete inputs.csvSha256;
  const failures = validateLoadInputs(news);
  if (csvUnknown(news)) {
    inputs.csvSha256 = UNKNOWN;
    return { inputs, failures };
  }
  if (failures.some((f) => f.property === "csvPath" || f.property === "csvContent")) return { inputs, failures };

  let csv: LoadCsv;
  try {
    csv = readLoadCsv(news, options.cwd);
  } catch (err) {
    return { inputs, failures: [...failures, { property: "csvPath", reason: messageOf(err) }] };
  }
  inputs.csvSha256 = csv.sha256;

  let identityAttribute: string | undefined;
  const sourceKnown = !failures.some((f) => f.property === "sourceId") && !isUnknown(news.sourceId);
  if (sourceKnown && options.identityAttributeOf) {
    try {
      identityAttribute = await options.identityAttributeOf(String(news.sourceId));
    } catch (err) {
      failures.push({ property: "sourceId", reason: messageOf(err) });
    }
  }
  failures.push(...checkCsv(csv, identityAttribute).failures);
  return { inputs, failures };
}
