/**
 * Checks an accounts CSV before it is uploaded, so a bad file fails the preview with the rows to fix
 * instead of a failed ISC task after the upload. Pure: no I/O.
 *
 * Rows are numbered as a spreadsheet shows them: the header is row 1, a value spanning several lines
 * (quoted, with line breaks) is one row, and a blank line is a row of its own.
 */
import { readCsvRows } from "../shared/csv-rows";

export interface CsvProblem {
  /** 1-based spreadsheet row; the header is row 1. */
  row: number;
  message: string;
}

export interface CsvRules {
  /** The source schema's identity attribute (the account's nativeIdentity); unknown: not checked. */
  identityAttribute?: string;
}

export interface CsvSummary {
  /** Column names from the header row. */
  columns: string[];
  /** Rows after the header. */
  dataRows: number;
  problems: CsvProblem[];
}

function headerProblems(columns: string[], rules: CsvRules): CsvProblem[] {
  const problems: CsvProblem[] = [];
  const firstIndex = new Map<string, number>();
  columns.forEach((name, index) => {
    if (name === "") {
      problems.push({ row: 1, message: `column ${index + 1} of the header has no name` });
      return;
    }
    const seen = firstIndex.get(name);
    if (seen === undefined) firstIndex.set(name, index);
    else
      problems.push({
        row: 1,
        message: `column "${name}" appears twice in the header (columns ${seen + 1} and ${index + 1})`,
      });
  });
  const identity = rules.identityAttribute;
  if (identity !== undefined && !firstIndex.has(identity)) {
    const nearly = columns.find((c) => c.toLowerCase() === identity.toLowerCase());
    problems.push({
      row: 1,
      message:
        `the header has no column "${identity}", the identity attribute of the source (it becomes each account's ` +
        `nativeIdentity)` +
        (nearly !== undefined ? `; column "${nearly}" differs only in case` : `; columns are: ${columns.join(", ")}`),
    });
  }
  return problems;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Validates the header, the column count of every row, and the identity values (present, unique). */
export function validateAccountsCsv(content: string | Buffer, rules: CsvRules = {}): CsvSummary {
  const { rows, parseProblem } = readCsvRows(content);
  const [header, ...data] = rows;
  if (header === undefined) {
    const problems = parseProblem
      ? [parseProblem]
      : [{ row: 1, message: "the CSV is empty: row 1 must be a header row naming the columns" }];
    return { columns: [], dataRows: 0, problems };
  }
  const columns = header.values.map((c) => c.trim());
  const problems = headerProblems(columns, rules);
  const identity = rules.identityAttribute;
  const identityIndex = identity === undefined ? -1 : columns.indexOf(identity);
  const firstRowOf = new Map<string, number>();

  for (const { row, values } of data) {
    if (values.length !== columns.length) {
      problems.push({
        row,
        message: `${plural(values.length, "value")} but the header (row 1) has ${plural(columns.length, "column")}`,
      });
    }
    if (identityIndex < 0) continue;
    const value = (values[identityIndex] ?? "").trim();
    if (value === "") {
      problems.push({ row, message: `the identity attribute "${identity}" is empty` });
      continue;
    }
    const earlier = firstRowOf.get(value);
    if (earlier === undefined) firstRowOf.set(value, row);
    else
      problems.push({
        row,
        message:
          `identity "${value}" (column "${identity}") is also on row ${earlier}: rows ${earlier} and ${row} ` +
          `are the same account`,
      });
  }
  if (parseProblem) problems.push(parseProblem);
  else if (data.length === 0) problems.push({ row: 2, message: "the CSV has a header row but no account rows" });
  return { columns, dataRows: data.length, problems };
}

/** Problems as "row N: message" lines, at most `max` of them plus a count of the rest. */
export function describeCsvProblems(problems: readonly CsvProblem[], max = 20): string[] {
  const lines = [...problems]
    .sort((a, b) => a.row - b.row)
    .slice(0, max)
    .map((p) => `row ${p.row}: ${p.message}`);
  if (problems.length > max) lines.push(`... and ${plural(problems.length - max, "more problem")}`);
  return lines;
}
