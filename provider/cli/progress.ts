/**
 * Progress for work that takes more than a few seconds (drift scans, bench, soak): a live line on
 * an interactive terminal, and a plain line every few seconds otherwise, so that CI logs show the
 * run is alive. Progress goes to stderr, never stdout, so `--json` output stays clean.
 */
import type { DriftProgress } from "../gitops/drift";

export interface ProgressOutput {
  write(chunk: string): unknown;
}

export interface ProgressOptions {
  /** Asked on every tick for the current status, for work that reports no events of its own. */
  poll?: () => string | undefined;
  /** How often a non-terminal gets a plain line with the latest status. */
  plainEveryMs?: number;
  /** How often a terminal's line is redrawn from `poll`. */
  redrawEveryMs?: number;
}

export interface Progress {
  /** The current status: drawn at once on a terminal, on the next periodic line otherwise. */
  set(status: string): void;
  /** Erases the live line (terminal) and stops the periodic lines. Safe to call twice. */
  stop(): void;
}

/** Often enough that a CI log never looks stuck, rarely enough that it stays readable. */
export const PLAIN_LINE_EVERY_MS = 5_000;
const REDRAW_EVERY_MS = 250;
const ERASE_LINE = "\r\x1b[2K";

export function startProgress(output: ProgressOutput, isTTY: boolean, options: ProgressOptions = {}): Progress {
  const started = Date.now();
  let status: string | undefined;
  let drawn: string | undefined;
  const draw = () => {
    if (status === undefined || status === drawn) return;
    output.write(`${ERASE_LINE} ${status}`);
    drawn = status;
  };
  const tick = () => {
    status = options.poll?.() ?? status;
    if (isTTY) draw();
    else if (status !== undefined) output.write(`${status} (${Math.round((Date.now() - started) / 1000)} s)\n`);
  };
  const timer = setInterval(
    tick,
    isTTY ? (options.redrawEveryMs ?? REDRAW_EVERY_MS) : (options.plainEveryMs ?? PLAIN_LINE_EVERY_MS),
  );
  timer.unref(); // progress never keeps a finished process alive
  let stopped = false;
  return {
    set(next) {
      status = next;
      if (isTTY && !stopped) draw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (drawn !== undefined) output.write(ERASE_LINE);
    },
  };
}

/** A scan that needed a second page (more than 250 accounts) is long enough for a live line. */
const LONG_SCAN_ACCOUNTS = 250;

/** The drift scan's progress, as `isc-accounts drift` shows it. */
export interface ProgressLine {
  update(progress: DriftProgress): void;
  /** Erases the line if anything was drawn, so the report starts on a clean line. */
  finish(): void;
}

export function progressLine(stream: ProgressOutput, isTTY: boolean): ProgressLine {
  const progress = startProgress(stream, isTTY);
  return {
    update({ sourceId, scanned, total }) {
      // A short scan on a terminal would only flicker; periodic lines only come after a few seconds anyway.
      if (isTTY && scanned < LONG_SCAN_ACCOUNTS) return;
      progress.set(`scanning ${sourceId}: ${total === undefined ? `${scanned}` : `${scanned}/${total}`} accounts`);
    },
    finish: () => progress.stop(),
  };
}
