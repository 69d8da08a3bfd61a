/**
 * bench's and soak's progress during a phase, on stderr (stdout carries the report and `--json`):
 * what the simulator has seen so far, asked periodically because the engine reports no events.
 */
import { startProgress, type Progress } from "../../provider/cli/progress";
import type { ScaledStack } from "./stack";

export function startPhaseProgress(script: string, phase: string, stack: Pick<ScaledStack, "sim">): Progress {
  return startProgress(process.stderr, process.stderr.isTTY === true, {
    poll: () => {
      const requests = stack.sim.requests().length;
      // Before its first request a phase waits for a fresh rate window and starts its plugin process.
      if (requests === 0) return `${script} ${phase}: starting (fresh rate window, new plugin process)`;
      return (
        `${script} ${phase}: ${requests} requests so far, ` +
        `${stack.sim.admin.listAccounts().length} accounts on the tenant`
      );
    },
  });
}
