/**
 * Issue 13 against the simulator: `isc-accounts export` -> `validate` -> `drift` -> `pulumi up` of the
 * export through the real dynamic-provider plugin (adopts every account, makes no write), then
 * `isc-accounts csv` and `check-csv` before an aggregation.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { captureProgram } from "../../harness/program";
import { accountsFromDirectory } from "../../provider/gitops/program";
import type { SeedData } from "../../simulator/types";
import { startAccountStack, type AccountStack } from "../support/account-stack";
import { runCaptured, type CliRun } from "../support/cli-io";

const HR = "6a0a1c9e3b7d4e2a8c6f0b1d2e3f4a61";
const VENDORS = "6a0a1c9e3b7d4e2a8c6f0b1d2e3f4a62";
const ADA = "1de0c0ffee0000000000000000000021";
const CLIENT = { clientId: "onboarding-client", clientSecret: "onboarding-secret-value-456" };
/** More than one page (250), so the export pages and its progress shows. */
const BULK = 260;
const HR_FILE = "hr-accounts-eu.yaml";
const VENDORS_FILE = "contractors-vendors.yaml";

function seed(): SeedData {
  const attributes = [
    { name: "id" },
    { name: "displayName" },
    { name: "email" },
    { name: "groups", isMulti: true, isEntitlement: true, isGroup: true },
  ];
  return {
    clients: [CLIENT],
    identities: [{ id: ADA, name: "Ada Lovelace" }],
    sources: [
      { id: HR, name: "HR Accounts (EU)", identityAttribute: "id", displayAttribute: "displayName", attributes },
      {
        id: VENDORS,
        name: "Contractors / Vendors",
        identityAttribute: "id",
        attributes: [{ name: "id" }, { name: "email" }],
      },
    ],
    accounts: [
      {
        sourceId: HR,
        nativeIdentity: "jdoe",
        identityId: ADA,
        attributes: { id: "jdoe", displayName: 'Doe, "JD"', email: "jdoe@example.com", groups: ["vpn", "contractors"] },
      },
      {
        sourceId: HR,
        nativeIdentity: "asmith",
        identityId: null,
        disabled: true,
        attributes: { id: "asmith", displayName: "Alice\nSmith" },
      },
      { sourceId: HR, nativeIdentity: "#ops", identityId: null, attributes: { id: "#ops", groups: ["admins"] } },
      ...Array.from({ length: BULK }, (_, i) => {
        const id = `u${String(i).padStart(4, "0")}`;
        return { sourceId: HR, nativeIdentity: id, identityId: null, attributes: { id, email: `${id}@example.com` } };
      }),
      {
        sourceId: VENDORS,
        nativeIdentity: "v1",
        identityId: null,
        attributes: { id: "v1", email: "v1@vendor.example" },
      },
    ],
  };
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

describe("onboarding: export, csv and check-csv against the simulator", function () {
  this.timeout(120_000);
  let stack: AccountStack;
  let env: NodeJS.ProcessEnv;
  let work: string;
  let exported: string;

  const cli = (...argv: string[]): Promise<CliRun> => runCaptured(argv, env);
  const exportBoth = (...extra: string[]) =>
    cli("export", "--source", HR, "--source", "Contractors / Vendors", "--out", exported, ...extra);

  before(async () => {
    stack = await startAccountStack({ seed: seed(), rateLimit: false, taskDelayMs: 0 });
    env = { SAIL_BASE_URL: stack.sim.url, SAIL_CLIENT_ID: CLIENT.clientId, SAIL_CLIENT_SECRET: CLIENT.clientSecret };
    work = fs.mkdtempSync(path.join(os.tmpdir(), "isc-onboarding-"));
    exported = path.join(work, "accounts");
  });

  after(async () => {
    await stack?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("export writes one file per source, sorted, adopting, with paged reads and no secret", async () => {
    stack.sim.clearRequests();
    const run = await exportBoth();
    expect(run.stderr).to.not.include("error");
    expect(run.code).to.equal(0);
    expect(fs.readdirSync(exported).sort()).to.deep.equal([VENDORS_FILE, HR_FILE].sort());

    const hr = fs.readFileSync(path.join(exported, HR_FILE), "utf8");
    expect(hr).to.include(`source: ${HR}\ndefaults:\n  adopt: true\naccounts:\n`);
    const identities = [...hr.matchAll(/^ {2}- nativeIdentity: (.*)$/gm)].map((m) => m[1]);
    expect(identities.slice(0, 3)).to.deep.equal(['"#ops"', "asmith", "jdoe"]);
    expect(identities).to.have.lengthOf(BULK + 3);
    expect(hr).to.match(/- nativeIdentity: asmith\n {4}attributes:\n[\s\S]*?\n {4}enabled: false\n/);
    expect(hr).to.include(`identityId: ${ADA}`);

    // 263 accounts: two list calls for HR, one for the vendors, never one GET per account.
    const accountReads = stack.sim
      .requests()
      .filter((r) => r.path === "/v3/accounts" || r.path.startsWith("/v3/accounts/"));
    expect(accountReads.map((r) => `${r.method} ${r.path} ${r.query.offset ?? ""}`)).to.deep.equal([
      "GET /v3/accounts 0",
      "GET /v3/accounts 250",
      "GET /v3/accounts 0",
    ]);
    for (const text of [hr, fs.readFileSync(path.join(exported, VENDORS_FILE), "utf8"), run.stdout, run.stderr]) {
      expect(text).to.not.include(CLIENT.clientSecret);
    }
  });

  it("export refuses to overwrite without --force, and is stable: twice gives identical files", async () => {
    const before = Object.fromEntries(
      fs.readdirSync(exported).map((f) => [f, fs.readFileSync(path.join(exported, f), "utf8")]),
    );
    const refused = await exportBoth();
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include("--force");
    expect(refused.stderr).to.include(HR_FILE);
    const forced = await exportBoth("--force");
    expect(forced.code).to.equal(0);
    const after = Object.fromEntries(
      fs.readdirSync(exported).map((f) => [f, fs.readFileSync(path.join(exported, f), "utf8")]),
    );
    expect(after).to.deep.equal(before);
  });

  it("export and check-csv fail with exit 1 on a wrong source or attribute, before reading any account", async () => {
    stack.sim.clearRequests();
    const unknownName = await cli("export", "--source", "No Such Source", "--out", path.join(work, "never"));
    expect(unknownName.code).to.equal(1);
    expect(unknownName.stderr).to.include('--source "No Such Source": no source with this name');
    const typo = await cli("export", "--source", HR, "--attribute", "mail", "--out", path.join(work, "never"));
    expect(typo.code).to.equal(1);
    expect(typo.stderr).to.include("--attribute mail: not in the account schema");
    expect(stack.sim.requests().filter((r) => r.path === "/v3/accounts")).to.deep.equal([]);
    expect(fs.existsSync(path.join(work, "never"))).to.equal(false);

    const notDeclared = await cli(
      "check-csv",
      exported,
      path.join(work, "none.csv"),
      "--source",
      "ffffffffffffffffffffffffffffffff",
    );
    expect(notDeclared.code).to.equal(1);
    expect(notDeclared.stderr).to.include("no definitions file");
  });

  it("validate and drift accept the export (exit 0)", async () => {
    const validate = await cli("validate", exported);
    expect(validate.stderr).to.equal("");
    expect(validate.code).to.equal(0);
    const drift = await cli("drift", exported);
    expect(drift.stdout).to.match(/^No drift: 264 managed accounts on 2 sources/);
    expect(drift.code).to.equal(0);
  });

  it("pulumi up of the export adopts every account and makes no write", async () => {
    const program = await captureProgram(() => accountsFromDirectory(exported), { project: "isc-test", stack: "test" });
    expect(program.resources).to.have.lengthOf(BULK + 4);
    stack.sim.clearRequests();
    const up = await stack.engine.up(program.resources);
    expect(up.errors).to.deep.equal([]);
    expect(up.steps.every((s) => s.op === "create")).to.equal(true);
    const writes = stack.sim.requests().filter((r) => WRITE_METHODS.has(r.method) && r.path !== "/oauth/token");
    expect(writes.map((r) => `${r.method} ${r.path}`)).to.deep.equal([]);
    expect(stack.sim.requests().length).to.be.greaterThan(0);

    const again = await stack.engine.up(program.resources);
    expect(again.steps.every((s) => s.op === "same")).to.equal(true);
  });

  it("csv writes the aggregation file Git describes; check-csv finds it harmless (exit 0)", async () => {
    const csvPath = path.join(work, "hr.csv");
    const csv = await cli("csv", exported, "--source", HR, "--out", csvPath);
    expect(csv.code).to.equal(0);
    const text = fs.readFileSync(csvPath, "utf8");
    const lines = text.split("\r\n");
    expect(lines[0]).to.equal("id,displayName,email,groups");
    // Identity starting with the connector's comment character is quoted; multi-valued: one row per value.
    expect(lines[1]).to.equal('"#ops",,,admins');
    expect(text).to.include('asmith,"Alice\nSmith",,\r\n');
    expect(text).to.include(
      'jdoe,"Doe, ""JD""",jdoe@example.com,contractors\r\njdoe,"Doe, ""JD""",jdoe@example.com,vpn\r\n',
    );
    expect(csv.stderr).to.include("cannot carry"); // asmith is disabled

    const check = await cli("check-csv", exported, csvPath, "--source", HR);
    expect(check.stdout).to.match(/^Safe to aggregate/);
    expect(check.code).to.equal(0);
  });

  it("check-csv catches a managed account missing from the file and a changed value (exit 2)", async () => {
    const csvPath = path.join(work, "hr-harmful.csv");
    expect((await cli("csv", exported, "--source", HR, "--out", csvPath)).code).to.equal(0);
    const rows = fs
      .readFileSync(csvPath, "utf8")
      .split("\r\n")
      .filter((row) => !row.startsWith("jdoe,"))
      .map((row) => (row.startsWith("u0001,") ? "u0001,,changed@example.com," : row));
    fs.writeFileSync(csvPath, rows.join("\r\n"));

    const table = await cli("check-csv", exported, csvPath, "--source", HR);
    expect(table.code).to.equal(2);
    // The definition's file:line (the line of its `- nativeIdentity:` entry), and the CSV rows.
    const exportedLines = fs.readFileSync(path.join(exported, HR_FILE), "utf8").split("\n");
    const lineOf = (id: string) => exportedLines.indexOf(`  - nativeIdentity: ${id}`) + 1;
    expect(table.stdout).to.match(
      new RegExp(`^jdoe\\s+missing\\s+-\\s+-\\s+-\\s+\\S*hr-accounts-eu\\.yaml:${lineOf("jdoe")}\\s+-$`, "m"),
    );
    expect(table.stdout).to.match(
      new RegExp(
        `^u0001\\s+differs\\s+attributes\\.email\\s+"u0001@example\\.com"\\s+"changed@example\\.com"\\s+` +
          `\\S*hr-accounts-eu\\.yaml:${lineOf("u0001")}\\s+\\d+$`,
        "m",
      ),
    );
    expect(table.stdout.trimEnd().split("\n").at(-1)).to.match(
      /^Harmful: aggregating would remove 1 and overwrite 1 declared accounts/,
    );

    const json = await cli("check-csv", exported, csvPath, "--source", HR, "--json");
    expect(json.code).to.equal(2);
    const report = JSON.parse(json.stdout) as {
      version: number;
      summary: Record<string, number>;
      accounts: Array<{ nativeIdentity: string; status: string; definedAt: string }>;
    };
    expect(report.version).to.equal(1);
    expect(report.summary).to.deep.equal({
      declared: BULK + 3,
      matching: BULK + 1,
      differing: 1,
      missing: 1,
      undeclared: 0,
    });
    expect(report.accounts.map((a) => `${a.nativeIdentity}:${a.status}`)).to.deep.equal([
      "jdoe:missing",
      "u0001:differs",
    ]);
  });

  it(
    "csv keeps what Git does not manage: undeclared attributes, and undeclared accounts with " + "--include-unmanaged",
    async () => {
      const emailsOnly = path.join(work, "emails-only");
      // On a terminal, a source of more than one page shows a progress line on stderr.
      const exportRun = await runCaptured(
        ["export", "--source", HR, "--attribute", "email", "--out", emailsOnly],
        env,
        true,
      );
      expect(exportRun.code).to.equal(0);
      expect(exportRun.stderr).to.include(`scanning ${HR}: 250 accounts`);
      stack.sim.admin.createAccount({
        sourceId: HR,
        nativeIdentity: "stray",
        attributes: { id: "stray", displayName: "Stray" },
      });

      const managedOnly = await cli("csv", emailsOnly, "--source", HR);
      expect(managedOnly.code).to.equal(0);
      // displayName and groups from the tenant
      expect(managedOnly.stdout).to.include('jdoe,"Doe, ""JD""",jdoe@example.com,contractors\r\n');
      expect(managedOnly.stdout).to.not.include("stray");
      const withUnmanaged = await cli("csv", emailsOnly, "--source", HR, "--include-unmanaged");
      expect(withUnmanaged.stdout).to.include("\r\nstray,Stray,,\r\n");
      expect(withUnmanaged.stderr).to.include("1 unmanaged");
    },
  );

  it("check-csv refuses a file whose header or identities are wrong, naming the rows (exit 1)", async () => {
    const csvPath = path.join(work, "bad.csv");
    fs.writeFileSync(csvPath, "id,displayName,phone\r\nu0000,A,1\r\nu0001,B,2\r\nu0000,A,1\r\n");
    const run = await cli("check-csv", exported, csvPath, "--source", HR);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.include(`${csvPath}: row 1: column "phone" is not in the account schema of source ${HR}`);
    expect(run.stderr).to.include(`${csvPath}: row 4: identity "u0000" is also on row 2`);

    fs.writeFileSync(csvPath, "displayName,email\r\nA,a@example.com\r\n");
    const noIdentity = await cli("check-csv", exported, csvPath, "--source", HR);
    expect(noIdentity.code).to.equal(1);
    expect(noIdentity.stderr).to.include(`${csvPath}: row 1: the header has no column "id"`);
  });
});
