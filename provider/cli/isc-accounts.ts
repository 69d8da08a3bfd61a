#!/usr/bin/env node
/** The `isc-accounts` bin: runs the CLI on the real process streams (logic in run.ts). */
import { runCli } from "./run";

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  isTTY: process.stderr.isTTY === true,
})
  .then(async (code) => {
    // Exit explicitly once output is written: idle keep-alive sockets or timers must not delay it.
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  })
  .catch((err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
