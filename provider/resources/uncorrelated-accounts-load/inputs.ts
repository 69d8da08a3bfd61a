/**
 * UncorrelatedAccountsLoad inputs as they reach the provider: shape validation with messages naming
 * the field, reading the CSV (file or inline), its content hash, and run options.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { messageOf } from "../shared/errors";
import { isUnknown } from "../shared/unknown";
import {
  numberRangeFailure,
  sourceIdFailure,
  unknownInputFailures,
  type CheckFailure,
} from "../shared/source-job-checks";

type Raw = Record<string, unknown>;

export const LOAD_INPUTS = ["sourceId", "csvPath", "csvContent", "taskTimeoutSeconds", "pollIntervalMs"] as const;

export const DEFAULT_TASK_TIMEOUT_SECONDS = 1800;
export const DEFAULT_POLL_INTERVAL_MS = 1000;

export interface LoadRunOptions {
  taskTimeoutMs: number;
  pollIntervalMs: number;
}

/** The CSV to upload, read from `csvPath` or taken from `csvContent`. */
export interface LoadCsv {
  bytes: Buffer;
  sha256: string;
  /** The name sent with the multipart upload. */
  fileName: string;
  /** The input the CSV came from, for failures. */
  property: "csvPath" | "csvContent";
  /** For messages: `csvPath "data/x.csv"` or `csvContent`. */
  label: string;
}

function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Shape checks, no I/O. */
export function validateLoadInputs(inputs: Raw): CheckFailure[] {
  const failures = unknownInputFailures(inputs, LOAD_INPUTS);
  const sourceId = sourceIdFailure(inputs);
  if (sourceId) failures.push(sourceId);

  const hasPath = given(inputs.csvPath);
  const hasContent = given(inputs.csvContent);
  if (hasPath && hasContent) {
    failures.push({ property: "csvContent", reason: "give exactly one of csvPath or csvContent, not both" });
  } else if (!hasPath && !hasContent) {
    failures.push({
      property: "csvPath",
      reason:
        "one of csvPath (a CSV file, relative to the Pulumi program's directory) or csvContent (the CSV text) is " +
        "required",
    });
  }
  if (hasPath && !isUnknown(inputs.csvPath) && (typeof inputs.csvPath !== "string" || inputs.csvPath.trim() === "")) {
    failures.push({
      property: "csvPath",
      reason: `csvPath must be a non-empty file path, got ${JSON.stringify(inputs.csvPath)}`,
    });
  }
  if (hasContent && !isUnknown(inputs.csvContent) && typeof inputs.csvContent !== "string") {
    failures.push({
      property: "csvContent",
      reason: `csvContent must be a string holding the CSV text, got ${JSON.stringify(inputs.csvContent)}`,
    });
  }
  for (const failure of [
    numberRangeFailure(inputs, "taskTimeoutSeconds", 1, 86400, "seconds"),
    numberRangeFailure(inputs, "pollIntervalMs", 50, 60000, "milliseconds"),
  ]) {
    if (failure) failures.push(failure);
  }
  return failures;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** True when the CSV cannot be read yet because an input is not known (preview). */
export function csvUnknown(inputs: Raw): boolean {
  return isUnknown(inputs.csvPath) || isUnknown(inputs.csvContent);
}

/**
 * Reads the CSV of validated inputs. A relative `csvPath` is resolved from `cwd`: inside the Pulumi
 * plugin that is the program's directory. Throws an error naming `csvPath` when it cannot be read.
 */
export function readLoadCsv(inputs: Raw, cwd: string = process.cwd()): LoadCsv {
  if (typeof inputs.csvPath === "string") {
    const resolved = path.resolve(cwd, inputs.csvPath);
    let bytes: Buffer;
    try {
      bytes = readFileSync(resolved);
    } catch (err) {
      throw new Error(`cannot read csvPath "${inputs.csvPath}" (resolved to ${resolved}): ${messageOf(err)}`);
    }
    return {
      bytes,
      sha256: sha256Hex(bytes),
      fileName: path.basename(resolved),
      property: "csvPath",
      label: `csvPath "${inputs.csvPath}"`,
    };
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- check() has made csvContent a string
  const bytes = Buffer.from(String(inputs.csvContent ?? ""), "utf8");
  return {
    bytes,
    sha256: sha256Hex(bytes),
    fileName: "uncorrelated-accounts.csv",
    property: "csvContent",
    label: "csvContent",
  };
}

export function loadRunOptionsFrom(inputs: Raw): LoadRunOptions {
  const timeout =
    typeof inputs.taskTimeoutSeconds === "number" ? inputs.taskTimeoutSeconds : DEFAULT_TASK_TIMEOUT_SECONDS;
  const poll = typeof inputs.pollIntervalMs === "number" ? inputs.pollIntervalMs : DEFAULT_POLL_INTERVAL_MS;
  return { taskTimeoutMs: timeout * 1000, pollIntervalMs: poll };
}
