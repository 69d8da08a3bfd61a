/**
 * `isc-accounts drift` with two accounts holding one nativeIdentity on a managed source. Today's
 * simulator refuses such duplicates, so a minimal stand-in answers the two calls drift makes (token,
 * account list) the way ISC does; switch to the simulator's non-merging tenant mode once it exists.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import type { Account } from "../../provider/client/types";
import { iscAccount } from "../support/accounts";
import { runCaptured } from "../support/cli-io";

const SOURCE = "5f0a1c9e3b7d4e2a8c6f0b1d2e3f4a61";
const FIRST = "acc0c0ffee0000000000000000000101";
const SECOND = "acc0c0ffee0000000000000000000102";

/** Answers POST /oauth/token and paged GET /v3/accounts (filtered on the one source), nothing else. */
function tenantWith(accounts: Account[]): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    req.resume();
    req.on("end", () => {
      if (req.method === "POST" && url.pathname === "/oauth/token")
        return reply(200, { access_token: "token", token_type: "bearer", expires_in: 749 });
      if (req.method === "GET" && url.pathname === "/v3/accounts") {
        const offset = Number(url.searchParams.get("offset") ?? 0);
        const limit = Number(url.searchParams.get("limit") ?? 250);
        const filters = url.searchParams.get("filters") ?? "";
        const matching = accounts
          .filter((a) => filters.includes(`"${a.sourceId}"`))
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        res.setHeader("X-Total-Count", String(matching.length));
        return reply(200, matching.slice(offset, offset + limit));
      }
      return reply(404, { messages: [{ locale: "en-US", localeOrigin: "DEFAULT", text: "not found" }] });
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("isc-accounts drift: duplicate nativeIdentities", function () {
  this.timeout(20_000);
  let server: http.Server;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    server = await tenantWith([
      iscAccount(FIRST, SOURCE, "jdoe", { attributes: { id: "jdoe" } }),
      iscAccount(SECOND, SOURCE, "jdoe", { attributes: { id: "jdoe" } }),
    ]);
    env = {
      SAIL_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      SAIL_CLIENT_ID: "drift-client",
      SAIL_CLIENT_SECRET: "drift-secret-value-123",
    };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "isc-drift-dup-"));
    fs.writeFileSync(path.join(dir, "people.yaml"), `source: ${SOURCE}\naccounts:\n  - nativeIdentity: jdoe\n`);
  });

  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
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
