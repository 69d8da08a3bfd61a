/** The benchmark's targets, each judged from measured figures. */
export interface TargetResult {
  name: string;
  actual: number;
  limit: number;
  pass: boolean;
}

/** Refresh may spend ceil(N/250) list calls plus a little slack (token, a split batch, ...). */
export const REFRESH_SLACK_REQUESTS = 5;
export const MAX_THROTTLED_SHARE = 0.01;
export const MAX_CREATE_BOUND_RATIO = 1.3;

/** Refresh of N accounts costs at most ceil(N/250) + 5 v3 requests. */
export function refreshRequestsTarget(accounts: number, v3Requests: number): TargetResult {
  const limit = Math.ceil(accounts / 250) + REFRESH_SLACK_REQUESTS;
  return { name: "refresh v3 requests", actual: v3Requests, limit, pass: v3Requests <= limit };
}

/** At most 1% of all requests answered 429. */
export function throttledShareTarget(throttled: number, totalRequests: number): TargetResult {
  const share = totalRequests === 0 ? 0 : throttled / totalRequests;
  return { name: "429 share", actual: roundTo(share, 4), limit: MAX_THROTTLED_SHARE, pass: share <= MAX_THROTTLED_SHARE };
}

/** Create finishes within 1.3x of its lower bound. */
export function createTimeTarget(wallMs: number, boundMs: number): TargetResult {
  const ratio = boundMs > 0 ? wallMs / boundMs : Number.POSITIVE_INFINITY;
  return { name: "create wall/bound", actual: roundTo(ratio, 2), limit: MAX_CREATE_BOUND_RATIO, pass: ratio <= MAX_CREATE_BOUND_RATIO };
}

export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The targets judged per phase: every phase its 429 share; create its time; refresh its request count. */
export function phaseTargets(
  phase: string,
  figures: { accounts: number; wallMs: number; boundMs: number; v3Requests: number; throttled: number; totalRequests: number },
): TargetResult[] {
  const targets = [throttledShareTarget(figures.throttled, figures.totalRequests)];
  if (phase === "create") targets.push(createTimeTarget(figures.wallMs, figures.boundMs));
  if (phase === "refresh") targets.push(refreshRequestsTarget(figures.accounts, figures.v3Requests));
  return targets;
}
