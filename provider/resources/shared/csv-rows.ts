/**
 * Reads CSV text into rows that know their 1-based spreadsheet row number (the header is row 1; blank
 * and comment lines count as rows), so every problem can name the row a person sees in an editor.
 * Shared by the uncorrelated-accounts load and the aggregation file of `isc-accounts csv`/`check-csv`.
 */
import { CsvError, parse, type Info } from "csv-parse/sync";

export interface CsvRow {
  row: number;
  values: string[];
}

export interface CsvRowsOptions {
  /** Lines starting with this are comments (and still count as rows). */
  comment?: string;
}

/** The rows read before a parse error, and that error at its row. */
export function readCsvRows(
  content: string | Buffer,
  options: CsvRowsOptions = {},
): { rows: CsvRow[]; parseProblem?: { row: number; message: string } } {
  const rows: CsvRow[] = [];
  const comments = options.comment === undefined ? {} : { comment: options.comment, comment_no_infix: true };
  try {
    // With `info`, csv-parse returns {record, info} per row, which its typings do not express.
    const records = parse(content, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      ...comments,
      info: true,
    }) as unknown as Array<{ record: string[]; info: Info }>;
    for (const { record, info } of records)
      rows.push({ row: info.records + info.empty_lines + info.comment_lines, values: record });
    return { rows };
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    // The error carries the parser's Info at the failing point: rows read so far, blank and comment lines among them.
    const row = Number(err.records ?? 0) + Number(err.empty_lines ?? 0) + Number(err.comment_lines ?? 0) + 1;
    return { rows, parseProblem: { row, message: `the CSV cannot be parsed: ${err.message}` } };
  }
}
