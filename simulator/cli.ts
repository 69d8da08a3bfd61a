#!/usr/bin/env node
/**
 * `npm run simulator -- [--port <p>] [--seed <file.json>] [--client-id X --client-secret Y] [--task-delay-ms N]
 *   [--per-service-rate-budget separate|shared] [--deprecated-api-versions v3,v2025]
 *   [--native-identity-case sensitive|insensitive] [--duplicate-creates]`
 *
 * Prints `ISC simulator listening on http://127.0.0.1:<port>` once it listens (with --port 0, the
 * real port). Without --seed it also prints the demo tenant (sources, identities, the fake client
 * credentials and an `export SAIL_...` line): it is a local fake tenant, so printing them is intended.
 */
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { demoSeed, startSimulator } from "./index";
import type { SeedData, SimulatorOptions, TenantSettings } from "./types";

function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("must be a non-negative integer");
  return Number(value);
}

function rateBudgetGrouping(value: string): "separate" | "shared" {
  if (value !== "separate" && value !== "shared") throw new InvalidArgumentError('must be "separate" or "shared"');
  return value;
}

function versionList(value: string): string[] {
  const versions = value.split(",").map((v) => v.trim());
  if (versions.some((v) => !/^[a-z0-9]+$/i.test(v)))
    throw new InvalidArgumentError("must be API versions separated by commas, e.g. v3,v2025");
  return versions;
}

interface CliOptions {
  port: number;
  seed?: string;
  clientId?: string;
  clientSecret?: string;
  taskDelayMs?: number;
  rateLimit: boolean;
  perServiceRateBudget?: "separate" | "shared";
  deprecatedApiVersions?: string[];
  verbose?: boolean;
  nativeIdentityCase?: TenantSettings["nativeIdentityCase"];
  duplicateCreates?: boolean;
}

function nativeIdentityCase(value: string): TenantSettings["nativeIdentityCase"] {
  if (value !== "sensitive" && value !== "insensitive")
    throw new InvalidArgumentError('must be "sensitive" or "insensitive"');
  return value;
}

function loadSeed(options: CliOptions): SeedData {
  let seed: SeedData;
  if (options.seed) {
    try {
      seed = JSON.parse(readFileSync(options.seed, "utf8")) as SeedData;
    } catch (error) {
      throw new Error(
        `cannot read seed file ${options.seed}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  } else {
    seed = demoSeed();
  }
  if ((options.clientId === undefined) !== (options.clientSecret === undefined)) {
    throw new Error("--client-id and --client-secret go together");
  }
  if (options.clientId !== undefined && options.clientSecret !== undefined) {
    seed = { ...seed, clients: [{ clientId: options.clientId, clientSecret: options.clientSecret }] };
  }
  return seed;
}

function printDemoTenant(seed: SeedData, url: string): void {
  const lines = ["", "Demo tenant:"];
  for (const source of seed.sources ?? []) {
    lines.push(
      `  source   ${source.id}  ${source.name} (${source.type}, identity attribute "${source.identityAttribute}")`,
    );
  }
  for (const identity of seed.identities ?? []) lines.push(`  identity ${identity.id}  ${identity.name}`);
  const client = seed.clients?.[0];
  if (client) {
    lines.push(`  client   id ${client.clientId}  secret ${client.clientSecret}`, "");
    lines.push(
      `export SAIL_BASE_URL=${url} SAIL_CLIENT_ID=${client.clientId} SAIL_CLIENT_SECRET=${client.clientSecret}`,
    );
  }
  console.log(lines.join("\n"));
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name("isc-simulator")
    .description("Local SailPoint ISC simulator (accounts, sources, task-status, load-uncorrelated-accounts, classify)")
    .option("--port <port>", "port on 127.0.0.1 (0 picks a free one)", nonNegativeInteger, 0)
    .option("--seed <file>", "seed file (JSON SeedData); default: the demo tenant")
    .option("--client-id <id>", "API client id (replaces the seed's clients; needs --client-secret)")
    .option("--client-secret <secret>", "API client secret")
    .option("--task-delay-ms <ms>", "how long async tasks take", nonNegativeInteger)
    .option("--no-rate-limit", "turn off the 100 requests / 10 s rate limit")
    .option(
      "--per-service-rate-budget <grouping>",
      "per-service paths: one budget each (separate, default) or one for all (shared)",
      rateBudgetGrouping,
    )
    .option(
      "--deprecated-api-versions <list>",
      "answer X-Deprecated: true under these API versions, e.g. v3,v2025",
      versionList,
    )
    .option(
      "--native-identity-case <mode>",
      "sensitive (default) or insensitive: how nativeIdentity filters and uniqueness compare",
      nativeIdentityCase,
    )
    .option(
      "--duplicate-creates",
      "a POST for an existing nativeIdentity makes a second account instead of updating it",
    )
    .option("--verbose", "print an access log line per request to stderr")
    .parse(argv);
  const options = program.opts<CliOptions>();
  const seed = loadSeed(options);
  const simulatorOptions: SimulatorOptions = {
    port: options.port,
    seed,
    taskDelayMs: options.taskDelayMs,
    rateLimit: options.rateLimit ? undefined : false,
    perServiceRateBudget: options.perServiceRateBudget,
    deprecatedApiVersions: options.deprecatedApiVersions,
    tenant: {
      ...(options.nativeIdentityCase ? { nativeIdentityCase: options.nativeIdentityCase } : {}),
      ...(options.duplicateCreates ? { duplicateCreates: true } : {}),
    },
    log: options.verbose ? (line) => console.error(line) : undefined,
  };
  const simulator = await startSimulator(simulatorOptions);
  console.log(`ISC simulator listening on ${simulator.url}`);
  if (!options.seed) printDemoTenant(seed, simulator.url);

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    void simulator.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main(process.argv).catch((error: unknown) => {
  console.error(`isc-simulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
