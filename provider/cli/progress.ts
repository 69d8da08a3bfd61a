/**
 * A one-line scan progress indicator for interactive terminals. Drawn only on a TTY (a CI log or
 * a redirected stderr would fill up with carriage returns) and only for multi-page scans.
 */
import type { DriftProgress } from "../gitops/drift";

/** A scan that needed a second page (more than 250 accounts) is long enough to show progress. */
const LONG_SCAN_ACCOUNTS = 250;

export interface ProgressLine {
  update(progress: DriftProgress): void;
  /** Erases the line if anything was drawn, so the report starts on a clean line. */
  finish(): void;
}

export function progressLine(stream: { write(chunk: string): unknown }, isTTY: boolean): ProgressLine {
  let drawn = false;
  return {
    update({ sourceId, scanned, total }) {
      if (!isTTY || scanned < LONG_SCAN_ACCOUNTS) return;
      const count = total === undefined ? `${scanned}` : `${scanned}/${total}`;
      stream.write(`\r\x1b[2K scanning ${sourceId}: ${count} accounts`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write("\r\x1b[2K");
      drawn = false;
    },
  };
}
