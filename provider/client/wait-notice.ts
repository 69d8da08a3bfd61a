/**
 * Long waits told to the user: a 429 that holds a budget (throttle.ts, once per wait, with the rule
 * below) and a request retried through 5xx or resets (retry.ts, which keeps its own quiet period).
 * In the plugin the line goes to stderr, which the Pulumi CLI prints: the engine turns each line a
 * dynamic provider writes there into an info diagnostic (pulumi/pulumi
 * sdk/go/common/resource/plugin/plugin.go, `runtrace`).
 */

/** A wait at least this long is told. */
export const NOTICE_WAIT_MS = 5_000;

/**
 * Tells a wait of `waitMs` from now, under `key`, unless it is shorter than NOTICE_WAIT_MS or is the
 * wait already told: callers held together make one wait, so while a told wait of the same key runs,
 * only one ending at least NOTICE_WAIT_MS later is told.
 */
export type TellWait = (key: string, waitMs: number, line: (until: Date) => string) => void;

export function waitNotices(notice?: (line: string) => void): TellWait {
  /** Per key: until when the user was last told it waits. */
  const toldUntil = new Map<string, number>();
  return (key, waitMs, line) => {
    const now = Date.now();
    const until = now + waitMs;
    const told = toldUntil.get(key) ?? 0;
    if (!notice || waitMs < NOTICE_WAIT_MS || (now < told && until < told + NOTICE_WAIT_MS)) return;
    toldUntil.set(key, until);
    notice(line(new Date(until)));
  };
}
