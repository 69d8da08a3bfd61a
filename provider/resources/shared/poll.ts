/**
 * Bounded polling with exponential backoff, for things ISC does not report through a task: a PATCH
 * taking effect, a newly created account becoming visible in lists.
 */
export interface PollOptions {
  timeoutMs: number;
  initialDelayMs: number;
  maxDelayMs?: number;
}

/** Reads until `done(value)` holds; resolves with the last value either way and whether it held. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: PollOptions,
): Promise<{ value: T; satisfied: boolean; attempts: number }> {
  const deadline = Date.now() + options.timeoutMs;
  const maxDelay = options.maxDelayMs ?? 5000;
  let delay = options.initialDelayMs;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const value = await read();
    if (done(value)) return { value, satisfied: true, attempts };
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { value, satisfied: false, attempts };
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, remaining)));
    delay = Math.min(delay * 2, maxDelay);
  }
}
