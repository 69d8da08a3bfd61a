/** Command-line options of `npm run bench` and `npm run soak`. */
import { Command, InvalidArgumentError } from "commander";

export interface ScaleOptions {
  accounts: number;
  parallel: number;
  /** 0.1: ISC's 10 s rate-limit window lasts 1 s, and task durations shrink alike. */
  timeScale: number;
  /** How long an ISC account task takes at time scale 1. */
  taskMs: number;
  json: boolean;
}

export interface BenchOptions extends ScaleOptions {
  /** Share of accounts changed by the update phase. */
  updateShare: number;
}

export interface SoakOptions extends ScaleOptions {
  /** Share of API requests failing with 5xx while faults are on (before or after being applied). */
  errorRate: number;
  /** Share of tasks ending in ERROR while faults are on. */
  taskErrorRate: number;
  /** Random seed for which accounts are updated and deleted; faults themselves are random. */
  seed: number;
  /** The whole run is stopped (and fails) after this many seconds. */
  timeLimit: number;
  /**
   * Like `pulumi up --continue-on-error`: a failed resource does not stop the run. Default: the
   * engine's default, stop.
   */
  continueOnError: boolean;
  /** Each phase runs `up` until it converges, at most this many times. */
  maxRuns: number;
}

function positiveInteger(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError("must be a positive whole number");
  return value;
}

function share(raw: string): number {
  const value = Number(raw);
  if (!(value >= 0 && value <= 1)) throw new InvalidArgumentError("must be a number from 0 to 1");
  return value;
}

function timeScale(raw: string): number {
  const value = Number(raw);
  if (!(value > 0 && value <= 10)) throw new InvalidArgumentError("must be a number above 0 and at most 10");
  return value;
}

/**
 * `timeScale` defaults: the bench's 0.5 keeps the fixed costs that do not shrink with the clock
 * (HTTP round trips, the plugin's gRPC, batch windows) from weighing more than twice what they do
 * against ISC, so its ratios stay meaningful; the soak counts outcomes, not time, and runs at 0.1.
 */
function scaleCommand(name: string, defaults: { accounts: number; timeScale: number }): Command {
  return new Command(name)
    .exitOverride()
    .allowExcessArguments(false)
    .option("--accounts <n>", "number of Account resources", positiveInteger, defaults.accounts)
    .option("--parallel <n>", "resource operations at once, like pulumi up --parallel", positiveInteger, 16)
    .option(
      "--time-scale <f>",
      "ISC's clock scale: 0.1 makes the 10 s rate-limit window 1 s",
      timeScale,
      defaults.timeScale,
    )
    .option("--task-ms <ms>", "duration of an ISC account task at time scale 1", positiveInteger, 1000)
    .option("--json", "print all figures as one JSON object on the last line", false);
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const command = scaleCommand("bench", { accounts: 500, timeScale: 0.5 }).option(
    "--update-share <f>",
    "share of accounts the update phase changes",
    share,
    0.1,
  );
  return command.parse([...argv], { from: "user" }).opts<BenchOptions>();
}

export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  const command = scaleCommand("soak", { accounts: 300, timeScale: 0.1 })
    .option("--error-rate <f>", "share of API requests answered 5xx while faults are on", share, 0.1)
    .option("--task-error-rate <f>", "share of tasks ending in ERROR while faults are on", share, 0.03)
    .option("--seed <n>", "seed choosing which accounts are updated and deleted", positiveInteger, 1)
    .option("--time-limit <s>", "stop and fail after this many seconds", positiveInteger, 900)
    .option("--continue-on-error", "like pulumi up --continue-on-error: a failure does not stop the run", false)
    .option("--max-runs <n>", "runs of `up` per phase at most, until it converges", positiveInteger, 60);
  return command.parse([...argv], { from: "user" }).opts<SoakOptions>();
}

/** Task duration and provider poll interval on the scaled clock (the provider polls no faster than every 50 ms). */
export function scaledTimings(options: Pick<ScaleOptions, "timeScale" | "taskMs">): {
  taskDelayMs: number;
  pollIntervalMs: number;
} {
  return {
    taskDelayMs: Math.max(1, Math.round(options.taskMs * options.timeScale)),
    pollIntervalMs: Math.max(50, Math.round(500 * options.timeScale)),
  };
}

/** The options every JSON report of a scale run starts with. */
export function runFigures(options: Pick<ScaleOptions, "accounts" | "parallel" | "timeScale">): {
  accounts: number;
  parallel: number;
  timeScale: number;
} {
  return { accounts: options.accounts, parallel: options.parallel, timeScale: options.timeScale };
}
