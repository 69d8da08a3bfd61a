/** The record of every request the simulator answered (tests assert on it; benchmarks count it). */
import type { RequestLogEntry } from "./types";

/** Oldest entries are dropped beyond this, so long soak runs stay bounded. */
const MAX_ENTRIES = 200_000;

const SECRET_KEY = /secret|token|password|authorization|assertion/i;

/** Query parameters as a plain object, with secret-looking values redacted. */
export function loggableQuery(query: URLSearchParams): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of query) result[key] = SECRET_KEY.test(key) ? "[REDACTED]" : value;
  return result;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(): RequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry, query: { ...entry.query } }));
  }

  clear(): void {
    this.entries = [];
  }
}

/** One access-log line; carries no headers, query values or bodies. */
export function accessLogLine(entry: RequestLogEntry): string {
  return (
    `${entry.time} ${entry.method} ${entry.path} ${entry.status === 0 ? "RESET" : entry.status} ` +
    `${entry.durationMs}ms budget=${entry.budget} client=${entry.clientId ?? "-"}`
  );
}
