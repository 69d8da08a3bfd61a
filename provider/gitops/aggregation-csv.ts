/**
 * The aggregation file of a DelimitedFile source, written (`isc-accounts csv`) and read
 * (`isc-accounts check-csv`) in the form SailPoint's Delimited File connector documents:
 *
 * - a header row naming the account schema's attributes; rows are RFC 4180 records (csv-stringify /
 *   csv-parse, CRLF line ends), the connector's default delimiter being a comma;
 * - multi-valued attributes: "put each value on a separate row for that field. All additional values
 *   should be repeated", the file sorted by the account id so an account's rows are adjacent
 *   (https://documentation.sailpoint.com/connectors/delimited_file/help/integrating_delimited_file/handling_multi-value-attr.html,
 *   flat_file_structure.html). Values are never joined in one cell: the connector documents no
 *   in-cell separator for account attributes (only `group.delimiter` for group data);
 * - "Records starting with the comment character are skipped" (default `#`, additional_settings.html),
 *   so a first field starting with `#` is quoted when written, and such lines are skipped when read;
 * - SailPoint documents no column for the disabled or locked state of a delimited-file account, so
 *   the file carries neither (the README says so).
 *
 * Pure: no I/O.
 */
import { stringify } from "csv-stringify/sync";
import type { SourceSchema } from "../client/types";
import { readCsvRows } from "../resources/shared/csv-rows";
import { schemaAttributes } from "./schema-attributes";

/** One account as the file holds it: every column's values (one for single-valued columns). */
export interface CsvAccount {
  nativeIdentity: string;
  values: Record<string, string[]>;
}

export interface CsvLayout {
  /** Header, identity attribute first, then the schema's other attributes in schema order. */
  columns: string[];
  identityAttribute: string;
  multiValued: ReadonlySet<string>;
}

export interface CsvRowProblem {
  /** 1-based spreadsheet row: the header is row 1; comment and blank lines are rows too. */
  row: number;
  message: string;
}

/** An account read from the file, with the rows it came from. */
export interface ParsedCsvAccount extends CsvAccount {
  rows: number[];
}

export interface ParsedAggregationCsv {
  columns: string[];
  /** In file order. Meaningful only when `problems` is empty. */
  accounts: ParsedCsvAccount[];
  problems: CsvRowProblem[];
}

const COMMENT = "#";

/** The file layout of a source's account schema; throws when the schema names no identity attribute. */
export function csvLayout(schema: SourceSchema | undefined, sourceLabel: string): CsvLayout {
  const identityAttribute = schema?.identityAttribute;
  if (!identityAttribute)
    throw new Error(
      `source ${sourceLabel} has no account schema with an identity attribute, so its CSV has no key column`,
    );
  const attributes = schemaAttributes(schema);
  const others = attributes.map((a) => a.name).filter((name) => name !== identityAttribute);
  const multiValued = new Set(attributes.filter((a) => a.isMulti).map((a) => a.name));
  return { columns: [identityAttribute, ...new Set(others)], identityAttribute, multiValued };
}

/** The records of one account: as many rows as its longest multi-valued column, single values repeated. */
function accountRecords(account: CsvAccount, layout: CsvLayout): string[][] {
  const rowCount = Math.max(
    1,
    ...layout.columns.filter((c) => layout.multiValued.has(c)).map((c) => account.values[c]?.length ?? 0),
  );
  const records: string[][] = [];
  for (let i = 0; i < rowCount; i++) {
    records.push(
      layout.columns.map((column) => {
        if (column === layout.identityAttribute) return account.nativeIdentity;
        const values = account.values[column] ?? [];
        if (layout.multiValued.has(column)) return values[i] ?? "";
        // A single-valued column never holds several values (the provider's checks refuse them).
        return values[0] ?? "";
      }),
    );
  }
  return records;
}

/** The whole file; accounts are written sorted by nativeIdentity, as the connector asks. */
export function renderAggregationCsv(layout: CsvLayout, accounts: readonly CsvAccount[]): string {
  const sorted = [...accounts].sort((a, b) =>
    a.nativeIdentity < b.nativeIdentity ? -1 : a.nativeIdentity > b.nativeIdentity ? 1 : 0,
  );
  const records = [layout.columns, ...sorted.flatMap((account) => accountRecords(account, layout))];
  // csv-stringify quotes a field holding the record delimiter (CRLF) but not a lone CR or LF, which
  // line-based readers would still split on; and a first field starting with the comment character.
  return stringify(records, { record_delimiter: "windows", quoted_match: [/[\r\n]/, new RegExp(`^${COMMENT}`)] });
}

/** Header problems, judged like the provider's schema checks: unknown attribute names, the identity column. */
function headerProblems(
  row: number,
  columns: readonly string[],
  layout: CsvLayout,
  sourceLabel: string,
): CsvRowProblem[] {
  const problems: CsvRowProblem[] = [];
  const known = new Set(layout.columns);
  const seen = new Map<string, number>();
  columns.forEach((name, index) => {
    if (name === "") {
      problems.push({ row, message: `column ${index + 1} of the header has no name` });
      return;
    }
    const first = seen.get(name);
    if (first !== undefined)
      problems.push({
        row,
        message: `column "${name}" appears twice in the header (columns ${first + 1} and ${index + 1})`,
      });
    else seen.set(name, index);
    if (!known.has(name)) {
      problems.push({
        row,
        message:
          `column "${name}" is not in the account schema of source ${sourceLabel}; known attributes: ` +
          `${[...known].sort().join(", ")}`,
      });
    }
  });
  if (!seen.has(layout.identityAttribute)) {
    problems.push({
      row,
      message:
        `the header has no column "${layout.identityAttribute}", the identity attribute of source ` +
        `${sourceLabel} (each account's nativeIdentity)`,
    });
  }
  return problems;
}

/**
 * Reads an aggregation file: header checked against the layout, rows grouped into accounts the way
 * the connector documents multi-valued attributes (adjacent rows with one identity are one account).
 * A repeated identity that is not adjacent, or whose single-valued columns differ, is a problem
 * naming both rows: the connector's result would depend on behaviour SailPoint does not document.
 */
export function parseAggregationCsv(
  content: string | Buffer,
  layout: CsvLayout,
  sourceLabel: string,
): ParsedAggregationCsv {
  const { rows, parseProblem } = readCsvRows(content, { comment: COMMENT });
  const [header, ...data] = rows;
  if (header === undefined) {
    return {
      columns: [],
      accounts: [],
      problems: [
        parseProblem ?? { row: 1, message: "the CSV is empty: the first row must be a header naming the columns" },
      ],
    };
  }
  const columns = header.values.map((c) => c.trim());
  const problems = headerProblems(header.row, columns, layout, sourceLabel);
  const identityIndex = columns.indexOf(layout.identityAttribute);
  const accounts: ParsedCsvAccount[] = [];
  const accountOf = new Map<string, ParsedCsvAccount>();
  let previous: ParsedCsvAccount | undefined;

  for (const { row, values } of data) {
    if (values.length !== columns.length) {
      problems.push({
        row,
        message: `${values.length} values but the header (row ${header.row}) has ${columns.length} columns`,
      });
      continue;
    }
    if (identityIndex < 0) continue;
    const nativeIdentity = values[identityIndex].trim();
    if (nativeIdentity === "") {
      problems.push({ row, message: `the identity column "${layout.identityAttribute}" is empty` });
      continue;
    }
    const existing = accountOf.get(nativeIdentity);
    if (existing && existing !== previous) {
      problems.push({
        row,
        message:
          `identity ${JSON.stringify(nativeIdentity)} is also on row ${existing.rows[0]}: an account's rows ` +
          `must be adjacent (the connector reads the file sorted by the identity attribute)`,
      });
      continue;
    }
    if (existing) {
      const conflict = columns.findIndex(
        (column, i) =>
          i !== identityIndex &&
          !layout.multiValued.has(column) &&
          (values[i] ?? "") !== (existing.values[column]?.[0] ?? ""),
      );
      if (conflict >= 0) {
        const column = columns[conflict];
        problems.push({
          row,
          message:
            `identity ${JSON.stringify(nativeIdentity)} repeats row ${existing.rows[0]} with a different ` +
            `value in single-valued column "${column}" (${JSON.stringify(values[conflict])} vs ` +
            `${JSON.stringify(existing.values[column]?.[0] ?? "")}); ` +
            "only multi-valued columns may differ on an account's extra rows",
        });
        continue;
      }
      existing.rows.push(row);
      columns.forEach((column, i) => {
        if (layout.multiValued.has(column) && values[i] !== "" && !existing.values[column].includes(values[i]))
          existing.values[column].push(values[i]);
      });
      continue;
    }
    const account: ParsedCsvAccount = {
      nativeIdentity,
      rows: [row],
      values: Object.fromEntries(columns.map((column, i) => [column, values[i] === "" ? [] : [values[i]]])),
    };
    accounts.push(account);
    accountOf.set(nativeIdentity, account);
    previous = account;
  }
  if (parseProblem) problems.push(parseProblem);
  problems.sort((a, b) => a.row - b.row);
  return { columns, accounts, problems };
}
