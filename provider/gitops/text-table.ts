/** The aligned text tables of the CLI reports (drift, check-csv): one line per row, columns padded. */

/** A cell's text with control characters and quotes escaped, so one value stays on one line. */
export function escapedCell(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** Header and rows with each column padded to its widest cell (the last column unpadded); "" without rows. */
export function alignedTable(header: readonly string[], rows: readonly string[][]): string {
  if (rows.length === 0) return "";
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}
