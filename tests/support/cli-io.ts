/** Runs the isc-accounts CLI in-process with captured output. */
import { runCli } from "../../provider/cli/run";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCaptured(argv: string[], env: NodeJS.ProcessEnv = {}, isTTY = false): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    isTTY,
  });
  return { code, stdout, stderr };
}
