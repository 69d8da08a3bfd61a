/**
 * The CSV of POST /sources/{id}/load-uncorrelated-accounts: a header row naming schema attributes
 * (the identity attribute's column is required), then one account per row. Columns the schema does
 * not name are ignored, as an aggregation ignores them. A multi-valued (isMulti) cell may list
 * several values as `[a,b,c]`; any other cell is one value. Empty cells mean "no value".
 */
import { parse } from "csv-parse/sync";
import type { SourceRecord, StoredAttributes } from "./model";

export class CsvFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CsvFileError";
  }
}

export interface UncorrelatedRow {
  /** 1-based line number in the file (header is line 1). */
  line: number;
  nativeIdentity: string;
  attributes: StoredAttributes;
}

export interface ParsedUncorrelatedFile {
  rows: UncorrelatedRow[];
  rowErrors: string[];
}

function multiValues(cell: string): string[] {
  const inner = cell.startsWith("[") && cell.endsWith("]") ? cell.slice(1, -1) : undefined;
  const values = inner === undefined ? [cell] : inner.split(",").map((value) => value.trim());
  return [...new Set(values.filter((value) => value !== ""))];
}

/** Parses the file; a file that cannot be used at all throws CsvFileError, bad rows land in rowErrors. */
export function parseUncorrelatedCsv(text: string, source: SourceRecord): ParsedUncorrelatedFile {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (error) {
    throw new CsvFileError(`The file is not valid CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (records.length === 0) throw new CsvFileError("The file is empty: a header row is required");
  const header = records[0];
  const identityColumn = header.indexOf(source.identityAttribute);
  if (identityColumn < 0) {
    throw new CsvFileError(
      `The header row has no column "${source.identityAttribute}", the identity attribute of source "${source.name}"`,
    );
  }
  const columns = header.map((name) => source.attributes.find((spec) => spec.name === name));
  const rows: UncorrelatedRow[] = [];
  const rowErrors: string[] = [];
  const seen = new Set<string>();
  records.slice(1).forEach((cells, index) => {
    const line = index + 2;
    const nativeIdentity = cells[identityColumn];
    if (nativeIdentity === "") {
      rowErrors.push(`line ${line}: no value in identity column "${source.identityAttribute}"`);
      return;
    }
    if (seen.has(nativeIdentity)) {
      rowErrors.push(`line ${line}: "${nativeIdentity}" appears more than once in the file`);
      return;
    }
    seen.add(nativeIdentity);
    const attributes: StoredAttributes = {};
    cells.forEach((cell, column) => {
      const spec = columns[column];
      if (!spec || cell === "") return;
      if (spec.isMulti) {
        const values = multiValues(cell);
        if (values.length > 0) attributes[spec.name] = values;
      } else {
        attributes[spec.name] = cell;
      }
    });
    attributes[source.identityAttribute] = nativeIdentity;
    rows.push({ line, nativeIdentity, attributes });
  });
  return { rows, rowErrors };
}
