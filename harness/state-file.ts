/** Persists engine state as JSON, atomically (write to a temp file, then rename), like a Pulumi checkpoint. */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export function readStateFile<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const parsed = JSON.parse(readFileSync(path, "utf8")) as { resources?: T[] };
  return parsed.resources ?? [];
}

export function writeStateFile<T>(path: string, resources: readonly T[]): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ version: 1, resources }, null, 2));
  renameSync(temporary, path);
}
