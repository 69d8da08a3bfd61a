/** Peak memory of this process and of a child (the provider plugin), from what Linux reports. */
import { readFileSync } from "node:fs";

/** A "Name:   1234 kB" field of /proc/<pid>/status, in bytes. */
export function statusFieldBytes(statusText: string, field: "VmHWM" | "VmRSS"): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(statusText);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** Peak resident set size of a live process (VmHWM); undefined where /proc is unavailable. */
export function peakRssOfProcess(pid: number): number | undefined {
  try {
    return statusFieldBytes(readFileSync(`/proc/${pid}/status`, "utf8"), "VmHWM");
  } catch {
    return undefined;
  }
}

/** Peak resident set size of this process so far. */
export function ownPeakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? "n/a" : `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;
}
