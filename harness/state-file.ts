/** Persists engine state as JSON, atomically (write to a temp file, then rename), like a Pulumi checkpoint. */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export interface Checkpoint<R, P> {
  resources: R[];
  /** The default provider's record (its inputs: the stack config of the last `up`), if an `up` ever ran. */
  defaultProvider?: P;
}

export function readStateFile<R, P>(path: string): Checkpoint<R, P> {
  if (!existsSync(path)) return { resources: [] };
  const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<Checkpoint<R, P>>;
  return {
    resources: parsed.resources ?? [],
    ...(parsed.defaultProvider ? { defaultProvider: parsed.defaultProvider } : {}),
  };
}

export function writeStateFile<R, P>(path: string, checkpoint: Checkpoint<R, P>): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ version: 1, ...checkpoint }, null, 2));
  renameSync(temporary, path);
}
