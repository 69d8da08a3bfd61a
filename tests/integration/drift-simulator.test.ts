/**
 * `isc-accounts drift` against the simulator: definitions that match a seeded tenant, then
 * out-of-band changes through the simulator's admin API, one kind of difference at a time.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { startSimulator } from "../../simulator/index";
import type { RunningSimulator, SeedData } from "../../simulator/types";
import { packageRoot } from "../../provider/gitops/schema";
import { runCaptured, type CliRun } from "../support/cli-io";

const HR = "5f0a1c9e3b7d4e2a8c6f0b1d2e3f4a61";
const CONTRACTORS = "5f0a1c9e3b7d4e2a8c6f0b1d2e3f4a62";
const BIG = "5f0a1c9e3b7d4e2a8c6f0b1d2e3f4a63";
const ADA = "1de0c0ffee0000000000000000000011";
const GRACE = "1de0c0ffee0000000000000000000012";
const ACCOUNT = {
  jdoe: "acc0c0ffee0000000000000000000101",
  asmith: "acc0c0ffee0000000000000000000102",
  bwayne: "acc0c0ffee0000000000000000000103",
  alan: "acc0c0ffee0000000000000000000104",
};
const CLIENT = { clientId: "drift-client", clientSecret: "drift-secret-value-123" };
const BIG_ACCOUNTS = 600;

function seed(): SeedData {
  const attributes = [
    { name: "id" },
    { name: "displayName" },
    { name: "email" },
    { name: "groups", isMulti: true, isEntitlement: true, isGroup: true },
  ];
  return {
    clients: [CLIENT],
    identities: [
      { id: ADA, name: "Ada Lovelace" },
      { id: GRACE, name: "Grace Hopper" },
    ],
    sources: [
      { id: HR, name: "HR", identityAttribute: "id", displayAttribute: "displayName", attributes },
      { id: CONTRACTORS, name: "Contractors", identityAttribute: "id", displayAttribute: "displayName", attributes },
      { id: BIG, name: "Big", identityAttribute: "id", attributes: [{ name: "id" }] },
    ],
    accounts: [
      {
        id: ACCOUNT.jdoe,
        sourceId: HR,
        nativeIdentity: "jdoe",
        identityId: ADA,
        attributes: { id: "jdoe", displayName: "John Doe", email: "jdoe@example.com", groups: ["contractors", "vpn"] },
      },
      {
        id: ACCOUNT.asmith,
        sourceId: HR,
        nativeIdentity: "asmith",
        identityId: null,
        attributes: { id: "asmith", displayName: "Alice Smith" },
      },
      {
        id: ACCOUNT.bwayne,
        sourceId: HR,
        nativeIdentity: "bwayne",
        identityId: GRACE,
        manuallyCorrelated: true,
        attributes: { id: "bwayne", email: "bw@example.com" },
      },
      {
        id: ACCOUNT.alan,
        sourceId: CONTRACTORS,
        nativeIdentity: "alan.t",
        identityId: null,
        disabled: true,
        attributes: { id: "alan.t", displayName: "Alan T." },
      },
      ...Array.from({ length: BIG_ACCOUNTS }, (_, i) => ({
        sourceId: BIG,
        nativeIdentity: `u${String(i).padStart(4, "0")}`,
        attributes: { id: `u${String(i).padStart(4, "0")}` },
      })),
    ],
  };
}

/** Definitions matching seed(): HR in two files (one nested), contractors in a third. */
const DEFINITIONS: Record<string, string> = {
  "hr/people.yaml": `source: ${HR}
accounts:
  - nativeIdentity: jdoe
    attributes:
      displayName: John Doe
      email: jdoe@example.com
      groups: [vpn, contractors]
    identityId: ${ADA}
  - nativeIdentity: asmith
    attributes: {displayName: Alice Smith, phone: null}
    identityId: null
    unlock: true
`,
  "hr/managers.yml": `source: ${HR}
accounts:
  - nativeIdentity: bwayne
    attributes: {email: bw@example.com}
    manuallyCorrelated: true
`,
  "contractors.yaml": `source: ${CONTRACTORS}
defaults:
  enabled: false
accounts:
  - nativeIdentity: alan.t
    attributes: {displayName: Alan T.}
`,
};

function writeDefinitions(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

interface JsonReport {
  version: number;
  generatedAt: string;
  baseUrl: string;
  sources: Array<{ id: string; name: string | null; accountsScanned: number }>;
  summary: Record<string, number>;
  accounts: Array<{
    sourceId: string;
    nativeIdentity: string;
    accountId: string | null;
    status: string;
    differences: Array<{ field: string; expected: unknown; actual: unknown }>;
    definedAt: string | null;
  }>;
}

describe("isc-accounts drift against the simulator", function () {
  this.timeout(20_000);
  let sim: RunningSimulator;
  let dir: string;
  let bigDir: string;
  let env: NodeJS.ProcessEnv;

  const drift = (...args: string[]): Promise<CliRun> => runCaptured(["drift", dir, ...args], env);
  const driftJson = async (...args: string[]): Promise<{ run: CliRun; report: JsonReport }> => {
    const run = await drift("--json", ...args);
    return { run, report: JSON.parse(run.stdout) as JsonReport };
  };

  before(async () => {
    sim = await startSimulator({ port: 0, seed: seed(), taskDelayMs: 0, rateLimit: false });
    env = { SAIL_BASE_URL: sim.url, SAIL_CLIENT_ID: CLIENT.clientId, SAIL_CLIENT_SECRET: CLIENT.clientSecret };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "isc-drift-"));
    writeDefinitions(dir, DEFINITIONS);
    bigDir = fs.mkdtempSync(path.join(os.tmpdir(), "isc-drift-big-"));
    const bigAccounts = Array.from(
      { length: BIG_ACCOUNTS },
      (_, i) => `  - nativeIdentity: u${String(i).padStart(4, "0")}\n`,
    ).join("");
    writeDefinitions(bigDir, { "big.yaml": `source: ${BIG}\naccounts:\n${bigAccounts}` });
  });

  after(async () => {
    await sim?.stop();
    for (const d of [dir, bigDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  beforeEach(() => {
    sim.admin.seed(seed());
    sim.clearRequests();
  });

  it("exits 0 with a one-line summary when the tenant matches", async () => {
    const run = await drift();
    expect(run.stderr).to.equal("");
    expect(run.stdout).to.equal("No drift: 4 managed accounts on 2 sources match the definitions.\n");
    expect(run.code).to.equal(0);
  });

  it("reports an attribute changed out of band (exit 2, table and summary)", async () => {
    sim.admin.updateAccount(ACCOUNT.jdoe, { attributes: { email: "john@evil.example", groups: ["vpn"] } });
    const run = await drift();
    expect(run.code).to.equal(2);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).to.match(/^SOURCE\s+NATIVE IDENTITY\s+STATUS\s+DEFINED AT\s+FIELD\s+EXPECTED\s+ACTUAL$/);
    // The source by name and the definition's file:line, the path as given on the command line.
    const at = `${dir}/hr/people.yaml:3`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(lines[1]).to.match(
      new RegExp(
        `^HR\\s+jdoe\\s+drifted\\s+${at}\\s+attributes\\.email\\s+"jdoe@example\\.com"\\s+"john@evil\\.example"$`,
      ),
    );
    expect(lines[2]).to.match(
      new RegExp(`^HR\\s+jdoe\\s+drifted\\s+${at}\\s+attributes\\.groups\\s+\\["vpn","contractors"\\]\\s+\\["vpn"\\]$`),
    );
    expect(lines.at(-1)).to.equal(
      "Drift: 1 drifted, 0 missing, 0 unmanaged, 3 in sync (4 managed accounts on 2 sources)",
    );
  });

  it("reports a deleted account as missing", async () => {
    sim.admin.deleteAccount(ACCOUNT.asmith);
    const { run, report } = await driftJson();
    expect(run.code).to.equal(2);
    expect(report.accounts).to.deep.equal([
      {
        sourceId: HR,
        nativeIdentity: "asmith",
        accountId: null,
        status: "missing",
        differences: [],
        definedAt: `${dir}/hr/people.yaml:9`,
      },
    ]);
  });

  it("names a source with no accounts left by reading the source (one request)", async () => {
    sim.admin.deleteAccount(ACCOUNT.alan);
    const run = await drift();
    expect(run.code).to.equal(2);
    expect(run.stdout.split("\n")[1]).to.match(
      /^Contractors\s+alan\.t\s+missing\s+\S+\/contractors\.yaml:5\s+-\s+-\s+-$/,
    );
    expect(
      sim
        .requests()
        .filter((r) => r.method === "GET" && r.path.startsWith("/v3/sources/"))
        .map((r) => r.path),
    ).to.deep.equal([`/v3/sources/${CONTRACTORS}`]);
  });

  it("reports correlation changes (identityId, uncorrelated, manuallyCorrelated)", async () => {
    sim.admin.updateAccount(ACCOUNT.jdoe, { identityId: GRACE });
    sim.admin.updateAccount(ACCOUNT.asmith, { identityId: ADA });
    sim.admin.updateAccount(ACCOUNT.bwayne, { manuallyCorrelated: false });
    const { run, report } = await driftJson();
    expect(run.code).to.equal(2);
    const diffs = Object.fromEntries(report.accounts.map((a) => [a.nativeIdentity, a.differences]));
    expect(diffs.jdoe).to.deep.include({ field: "identityId", expected: ADA, actual: GRACE });
    expect(diffs.asmith).to.deep.include({ field: "identityId", expected: null, actual: ADA });
    expect(diffs.bwayne).to.deep.equal([{ field: "manuallyCorrelated", expected: true, actual: false }]);
  });

  it("reports enabled-state differences (a default from the file counts)", async () => {
    sim.admin.updateAccount(ACCOUNT.bwayne, { disabled: true });
    sim.admin.updateAccount(ACCOUNT.alan, { disabled: false }); // contractors.yaml defaults to enabled: false
    const { run, report } = await driftJson();
    expect(run.code).to.equal(2);
    expect(report.accounts.map((a) => [a.nativeIdentity, a.differences])).to.deep.equal([
      ["bwayne", [{ field: "enabled", expected: true, actual: false }]], // HR sorts before CONTRACTORS
      ["alan.t", [{ field: "enabled", expected: false, actual: true }]],
    ]);
  });

  it("reports a locked account only when its definition asks to unlock", async () => {
    sim.admin.updateAccount(ACCOUNT.asmith, { locked: true }); // unlock: true
    sim.admin.updateAccount(ACCOUNT.bwayne, { locked: true }); // no unlock
    const { run, report } = await driftJson();
    expect(run.code).to.equal(2);
    expect(report.accounts).to.have.lengthOf(1);
    expect(report.accounts[0]).to.deep.include({
      nativeIdentity: "asmith",
      differences: [{ field: "locked", expected: false, actual: true }],
    });
  });

  it("reports unmanaged accounts only with --include-unmanaged", async () => {
    sim.admin.createAccount({ sourceId: CONTRACTORS, nativeIdentity: "stray", attributes: { id: "stray" } });
    const without = await drift();
    expect(without.code).to.equal(0);
    const { run, report } = await driftJson("--include-unmanaged");
    expect(run.code).to.equal(2);
    expect(report.summary).to.deep.equal({ managed: 4, inSync: 4, drifted: 0, missing: 0, unmanaged: 1 });
    expect(report.accounts).to.have.lengthOf(1);
    expect(report.accounts[0]).to.deep.include({
      sourceId: CONTRACTORS,
      nativeIdentity: "stray",
      status: "unmanaged",
      definedAt: null,
    });
    expect(report.accounts[0].accountId).to.be.a("string");
    const table = await drift("--include-unmanaged");
    expect(table.stdout).to.match(/Contractors\s+stray\s+unmanaged\s+-/);
    expect(table.stdout.trimEnd().split("\n").at(-1)).to.equal(
      "Drift: 0 drifted, 0 missing, 1 unmanaged, 4 in sync (4 managed accounts on 2 sources)",
    );
  });

  it("--json: the documented shape; only accounts needing attention unless --all", async () => {
    sim.admin.updateAccount(ACCOUNT.jdoe, { attributes: { displayName: "J. Doe" } });
    const { run, report } = await driftJson();
    expect(run.code).to.equal(2);
    expect(Object.keys(report)).to.deep.equal([
      "version",
      "generatedAt",
      "baseUrl",
      "sources",
      "summary",
      "accounts",
      "duplicates",
    ]);
    expect(report.version).to.equal(1);
    expect(new Date(report.generatedAt).toISOString()).to.equal(report.generatedAt);
    expect(report.baseUrl).to.equal(sim.url);
    expect(report.sources).to.deep.equal([
      { id: HR, name: "HR", accountsScanned: 3 },
      { id: CONTRACTORS, name: "Contractors", accountsScanned: 1 },
    ]);
    expect(report.summary).to.deep.equal({ managed: 4, inSync: 3, drifted: 1, missing: 0, unmanaged: 0 });
    expect(report.accounts).to.deep.equal([
      {
        sourceId: HR,
        nativeIdentity: "jdoe",
        accountId: ACCOUNT.jdoe,
        status: "drifted",
        differences: [{ field: "attributes.displayName", expected: "John Doe", actual: "J. Doe" }],
        definedAt: `${dir}/hr/people.yaml:3`,
      },
    ]);
    const all = (await driftJson("--all")).report;
    expect(all.accounts.map((a) => `${a.nativeIdentity}:${a.status}`)).to.deep.equal([
      "asmith:in-sync",
      "bwayne:in-sync",
      "jdoe:drifted",
      "alan.t:in-sync",
    ]);
  });

  it("--source limits the scan to the named sources", async () => {
    sim.admin.updateAccount(ACCOUNT.jdoe, { disabled: true }); // drift on HR only
    const { run, report } = await driftJson("--source", CONTRACTORS);
    expect(run.code).to.equal(0);
    expect(report.sources.map((s) => s.id)).to.deep.equal([CONTRACTORS]);
    expect(report.summary.managed).to.equal(1);
    const listed = sim.requests().filter((r) => r.method === "GET" && r.path === "/v3/accounts");
    expect(listed.map((r) => r.query.filters)).to.deep.equal([`sourceId eq "${CONTRACTORS}"`]);
    expect((await drift("--source", HR, "--source", CONTRACTORS)).code).to.equal(2);
    const unknown = await drift("--source", BIG);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include(`--source ${BIG}: no definitions file in ${dir} names this source`);
  });

  it("exits 1 on an API error, printing the message but never the secret", async () => {
    const run = await runCaptured(["drift", dir], {
      ...env,
      SAIL_CLIENT_ID: "unknown-client",
      SAIL_CLIENT_SECRET: "not-the-right-secret",
    });
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.match(/^error: ISC .*401/);
    expect(run.stderr).to.not.include("not-the-right-secret");
  });

  it(
    `scans a source of ${BIG_ACCOUNTS} accounts with ceil(${BIG_ACCOUNTS}/250) list calls, showing progress only ` +
      `on a TTY`,
    async () => {
      const run = await runCaptured(["drift", bigDir], env, true);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.equal(`No drift: ${BIG_ACCOUNTS} managed accounts on 1 source match the definitions.\n`);
      const lists = sim.requests().filter((r) => r.method === "GET" && r.path === "/v3/accounts");
      expect(lists).to.have.lengthOf(Math.ceil(BIG_ACCOUNTS / 250));
      expect(lists.every((r) => r.query.filters === `sourceId eq "${BIG}"` && r.query.limit === "250")).to.equal(true);
      expect(sim.requests().filter((r) => /^\/v3\/accounts\/./.test(r.path))).to.deep.equal([]); // never one GET per account
      expect(run.stderr).to.include(`\r\x1b[2K scanning ${BIG}: 500 accounts`);
      expect(run.stderr.endsWith("\r\x1b[2K")).to.equal(true);

      const quiet = await runCaptured(["drift", bigDir], env, false);
      expect(quiet.stderr).to.equal("");
    },
  );

  it("the isc-accounts bin exits with the drift exit code", async () => {
    sim.admin.deleteAccount(ACCOUNT.asmith);
    const bin = path.join(packageRoot(__dirname), "dist", "provider", "cli", "isc-accounts.js");
    const child = spawn(process.execPath, [bin, "drift", dir], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).to.equal(2);
    expect(stdout).to.match(/asmith\s+missing/);
  });
});
