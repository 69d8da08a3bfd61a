/**
 * `isc-accounts drift` with two accounts holding one nativeIdentity on a managed source, on the
 * simulator's tenant that does not merge creates (`duplicateCreates`), seeded with the duplicate.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { startSimulator, type RunningSimulator } from "../../simulator";
import { runCaptured } from "../support/cli-io";

const SOURCE = "5f0a1c9e3b7d4e2a8c6f0b1d2e3f4a61";
const FIRST = "acc0c0ffee0000000000000000000101";
const SECOND = "acc0c0ffee0000000000000000000102";
const CLIENT = { clientId: "drift-client", clientSecret: "drift-secret-value-123" };

function tenantWithDuplicate(): Promise<RunningSimulator> {
  return startSimulator({
    port: 0,
    tenant: { duplicateCreates: true },
    seed: {
      clients: [CLIENT],
      identities: [],
      sources: [
        {
          id: SOURCE,
          name: "PeopleCSV",
          type: "DelimitedFile",
          identityAttribute: "id",
          attributes: [{ name: "id", type: "STRING" }],
        },
      ],
      accounts: [
        { id: FIRST, sourceId: SOURCE, nativeIdentity: "jdoe", attributes: { id: "jdoe" } },
        { id: SECOND, sourceId: SOURCE, nativeIdentity: "jdoe", attributes: { id: "jdoe" } },
      ],
    },
  });
}

describe("isc-accounts drift: duplicate nativeIdentities", function () {
  this.timeout(20_000);
  let sim: RunningSimulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    sim = await tenantWithDuplicate();
    env = { SAIL_BASE_URL: sim.url, SAIL_CLIENT_ID: CLIENT.clientId, SAIL_CLIENT_SECRET: CLIENT.clientSecret };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "isc-drift-dup-"));
    fs.writeFileSync(path.join(dir, "people.yaml"), `source: ${SOURCE}\naccounts:\n  - nativeIdentity: jdoe\n`);
  });

  after(async () => {
    await sim?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(
    "reports two accounts with one declared nativeIdentity as drift (exit 2), naming both ids in " + "the table",
    async () => {
      const run = await runCaptured(["drift", dir, "--include-unmanaged"], env);
      expect(run.stderr).to.equal("");
      expect(run.code).to.equal(2);
      const lines = run.stdout.trimEnd().split("\n");
      const row = new RegExp(
        `^\\S+\\s+jdoe\\s+duplicate\\s+(\\S+\\s+)?accountId\\s+"one account"\\s+"${FIRST}, ${SECOND}"$`,
      );
      expect(
        lines.filter((l) => row.test(l)),
        run.stdout,
      ).to.have.lengthOf(1);
      expect(lines.at(-1)).to.equal(
        "Drift: 0 drifted, 0 missing, 0 unmanaged, 1 in sync, 1 duplicated nativeIdentity (1 managed account on " +
          "1 source)",
      );
    },
  );

  it("lists them under `duplicates` in --json", async () => {
    const run = await runCaptured(["drift", dir, "--json"], env);
    expect(run.code).to.equal(2);
    const report = JSON.parse(run.stdout) as { duplicates: unknown };
    expect(report.duplicates).to.deep.equal([
      {
        sourceId: SOURCE,
        nativeIdentity: "jdoe",
        accountIds: [FIRST, SECOND],
        definedAt: `${path.join(dir, "people.yaml")}:3`,
      },
    ]);
  });
});
