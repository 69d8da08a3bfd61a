/** `node dist/simulator/cli.js`: the listening line, the demo tenant printout, seed files, clean stop. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { DEMO_CLIENT, DEMO_IDS } from "../../../simulator/index";

const CLI = join(__dirname, "..", "..", "..", "simulator", "cli.js");
const LISTENING = /^ISC simulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/m;

interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
}

function startCli(args: string[]): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: "pipe" });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in time; output: ${output}`)), 10_000);
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      // The demo printout follows the listening line in the same write; wait for its last line.
      if (match && (args.includes("--seed") || output.includes("export SAIL_BASE_URL"))) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => output });
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`cli exited with ${code}: ${output}`));
    });
  });
}

function stop(cli: RunningCli): Promise<number | null> {
  return new Promise((resolve) => {
    if (cli.child.exitCode !== null) return resolve(cli.child.exitCode);
    cli.child.removeAllListeners("exit");
    cli.child.once("exit", (code) => resolve(code));
    cli.child.kill("SIGTERM");
  });
}

async function tokenStatus(url: string, clientId: string, clientSecret: string): Promise<number> {
  const response = await fetch(`${url}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }),
  });
  return response.status;
}

describe("simulator CLI", () => {
  const running: RunningCli[] = [];
  let tempDir: string | undefined;
  afterEach(async () => {
    await Promise.all(running.splice(0).map(stop));
  });
  after(() => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });

  it(
    "with --port 0 prints the real port, the demo tenant and an export line, serves it, and stops cleanly " +
      "on SIGTERM",
    async () => {
      const cli = await startCli(["--port", "0", "--task-delay-ms", "5"]);
      running.push(cli);
      expect(Number(LISTENING.exec(cli.output())?.[2])).to.be.above(0);
      expect(cli.output())
        .to.include(DEMO_IDS.hrSource)
        .and.include("HR Flat File")
        .and.include(DEMO_IDS.identities.adaLovelace);
      expect(cli.output()).to.include(
        `export SAIL_BASE_URL=${cli.url} SAIL_CLIENT_ID=${DEMO_CLIENT.clientId} ` +
          `SAIL_CLIENT_SECRET=${DEMO_CLIENT.clientSecret}`,
      );
      expect(await tokenStatus(cli.url, DEMO_CLIENT.clientId, DEMO_CLIENT.clientSecret)).to.equal(200);
      expect(await stop(running.pop() as RunningCli)).to.equal(0);
    },
  );

  it("with --seed and --client-id/--client-secret serves that tenant and prints only the listening line", async () => {
    tempDir = mkdtempSync(join(tmpdir(), "isc-sim-cli-"));
    const seedFile = join(tempDir, "seed.json");
    writeFileSync(seedFile, JSON.stringify({ sources: [{ id: "s1", name: "From File", identityAttribute: "uid" }] }));
    const cli = await startCli([
      "--port",
      "0",
      "--seed",
      seedFile,
      "--client-id",
      "ci-client",
      "--client-secret",
      "ci-secret",
    ]);
    running.push(cli);
    expect(cli.output().trim()).to.match(LISTENING);
    expect(await tokenStatus(cli.url, "ci-client", "ci-secret")).to.equal(200);
    expect(await tokenStatus(cli.url, DEMO_CLIENT.clientId, DEMO_CLIENT.clientSecret)).to.equal(401);
  });

  it("serves the example seed file shipped with the simulator", async () => {
    const example = join(__dirname, "..", "..", "..", "..", "simulator", "seed.example.json");
    const cli = await startCli(["--port", "0", "--seed", example]);
    running.push(cli);
    expect(await tokenStatus(cli.url, "example-client", "example-secret")).to.equal(200);
  });

  it("takes --per-service-rate-budget and --deprecated-api-versions", async () => {
    const cli = await startCli([
      "--port",
      "0",
      "--per-service-rate-budget",
      "shared",
      "--deprecated-api-versions",
      "v3,v2025",
    ]);
    running.push(cli);
    const token = await fetch(`${cli.url}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: DEMO_CLIENT.clientId,
        client_secret: DEMO_CLIENT.clientSecret,
      }),
    });
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const headers = { authorization: `Bearer ${accessToken}` };
    const v2025 = await fetch(`${cli.url}/v2025/task-status`, { headers });
    expect(v2025.headers.get("x-deprecated")).to.equal("true");
    // One shared budget of 100: after 100 on /accounts/v1, /sources/v1 is refused too.
    for (let i = 0; i < 100; i++)
      expect((await fetch(`${cli.url}/accounts/v1?limit=1`, { headers })).status).to.equal(200);
    expect((await fetch(`${cli.url}/sources/v1`, { headers })).status).to.equal(429);
  });

  it("exits 1 with a message for an unreadable seed file", async () => {
    const child = spawn(process.execPath, [CLI, "--port", "0", "--seed", "/nonexistent/seed.json"], { stdio: "pipe" });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).to.equal(1);
    expect(stderr).to.match(/cannot read seed file/);
  });
});
