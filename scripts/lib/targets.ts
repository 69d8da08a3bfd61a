/**
 * The benchmark's targets (issue 14), each judged from measured figures. The same targets hold at
 * every N; `phaseTargets` says which belong to which phase.
 */
export interface TargetResult {
  name: string;
  actual: number;
  limit: number;
  pass: boolean;
}

/** Refresh may spend ceil(N/250) list calls plus a little slack (token, a split batch, ...). */
export const REFRESH_SLACK_REQUESTS = 5;
export const MAX_THROTTLED_SHARE = 0.01;
export const MAX_CREATE_BOUND_RATIO = 1.15;
/** Lookups after create: at most one v3 request per this many created accounts. */
export const CREATED_PER_LOOKUP = 50;
export const MAX_UPDATE_REQUEST_RATIO = 1.15;
export const MAX_UPDATE_BOUND_RATIO = 1.3;
/** The serialized provider stored per resource (`__provider`). */
export const MAX_PROVIDER_BYTES = 1024;
export const MAX_PLUGIN_PEAK_BYTES = 400 * 1024 * 1024;

function atMost(name: string, actual: number, limit: number): TargetResult {
  return { name, actual, limit, pass: actual <= limit };
}

/** Refresh of N accounts costs at most ceil(N/250) + 5 v3 requests. */
export function refreshRequestsTarget(accounts: number, v3Requests: number): TargetResult {
  return atMost("refresh v3 requests", v3Requests, Math.ceil(accounts / 250) + REFRESH_SLACK_REQUESTS);
}

/** At most 1% of all requests answered 429. */
export function throttledShareTarget(throttled: number, totalRequests: number): TargetResult {
  const share = totalRequests === 0 ? 0 : throttled / totalRequests;
  return {
    name: "429 share",
    actual: roundTo(share, 4),
    limit: MAX_THROTTLED_SHARE,
    pass: share <= MAX_THROTTLED_SHARE,
  };
}

function boundRatioTarget(name: string, wallMs: number, boundMs: number, limit: number): TargetResult {
  const ratio = boundMs > 0 ? wallMs / boundMs : Number.POSITIVE_INFINITY;
  return { name, actual: roundTo(ratio, 2), limit, pass: ratio <= limit };
}

/** Create finishes within 1.15x of its lower bound. */
export function createTimeTarget(wallMs: number, boundMs: number): TargetResult {
  return boundRatioTarget("create wall/bound", wallMs, boundMs, MAX_CREATE_BOUND_RATIO);
}

/** Finding created accounts (ISC answers a task id) costs at most one v3 request per 50 of them. */
export function lookupsAfterCreateTarget(created: number, lookups: number): TargetResult {
  return atMost("create lookups after create", lookups, Math.ceil(created / CREATED_PER_LOOKUP));
}

export function providerSizeTarget(bytes: number): TargetResult {
  return atMost("__provider bytes per resource", bytes, MAX_PROVIDER_BYTES);
}

export function pluginMemoryTarget(peakBytes: number | undefined): TargetResult {
  const mib = roundTo((peakBytes ?? 0) / (1024 * 1024), 1);
  return atMost("plugin peak MiB", mib, MAX_PLUGIN_PEAK_BYTES / (1024 * 1024));
}

export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface PhaseTargetFigures {
  accounts: number;
  /** Resources the phase acted on (updated accounts for update). */
  operations: number;
  wallMs: number;
  boundMs: number;
  v3Requests: number;
  v3Required: number;
  /** v3 requests spent finding accounts after their create (create phase). */
  lookupsAfterCreate: number;
  /** GET .../schemas requests, and the sources of the workload (preview phase). */
  schemaReads: number;
  sources: number;
  throttled: number;
  totalRequests: number;
  pluginPeakRssBytes?: number;
}

/**
 * The targets judged per phase: every phase its 429 share and the plugin's memory; create its time
 * and lookups; refresh its request count; update its requests and time; preview its schema reads.
 */
export function phaseTargets(phase: string, f: PhaseTargetFigures): TargetResult[] {
  const targets = [throttledShareTarget(f.throttled, f.totalRequests), pluginMemoryTarget(f.pluginPeakRssBytes)];
  if (phase === "create")
    targets.push(createTimeTarget(f.wallMs, f.boundMs), lookupsAfterCreateTarget(f.operations, f.lookupsAfterCreate));
  if (phase === "refresh") targets.push(refreshRequestsTarget(f.accounts, f.v3Requests));
  if (phase === "update") {
    targets.push(
      atMost(
        "update v3 requests / required",
        roundTo(f.v3Required > 0 ? f.v3Requests / f.v3Required : 0, 2),
        MAX_UPDATE_REQUEST_RATIO,
      ),
      boundRatioTarget("update wall/bound", f.wallMs, f.boundMs, MAX_UPDATE_BOUND_RATIO),
    );
  }
  if (phase === "preview") targets.push(atMost("preview schema reads", f.schemaReads, f.sources));
  return targets;
}
