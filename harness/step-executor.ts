/**
 * Runs resource steps (Create/Update/Delete) at most `parallel` at once, as pulumi/pulumi
 * pkg/resource/deploy/step_executor.go does with its `parallel` workers: the step generator blocks while every
 * worker is busy, and after a step fails (cancelDueToError) no new step starts unless `continueOnError`;
 * steps already running finish.
 */
export class StepExecutor {
  private readonly running = new Set<Promise<void>>();
  private cancelledByError = false;

  constructor(
    private readonly parallel: number,
    private readonly continueOnError: boolean,
  ) {}

  /** True once a step failed without continueOnError: the run is being cancelled. */
  get cancelled(): boolean {
    return this.cancelledByError;
  }

  /** Waits for a free worker, then starts `step` unless the run was cancelled meanwhile (returns false then). */
  async execute(step: () => Promise<void>, onError: (error: unknown) => void): Promise<boolean> {
    while (this.running.size >= this.parallel) await Promise.race(this.running);
    if (this.cancelledByError) return false;
    const running: Promise<void> = step()
      .catch((error: unknown) => {
        onError(error);
        if (!this.continueOnError) this.cancelledByError = true;
      })
      .finally(() => this.running.delete(running));
    this.running.add(running);
    return true;
  }

  /** Resolves when every started step has finished. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
  }
}
