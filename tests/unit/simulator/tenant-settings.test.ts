/** The tenant's account identity rules: nativeIdentity case and whether creates merge (simulator/README.md). */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { expect } from "chai";
import type { Account } from "../../../provider/client/types";
import { DEMO_IDS, SimulatorAdminError, demoSeed } from "../../../simulator/index";
import { normalizeSeed, SeedError } from "../../../simulator/seed";
import type { SeedData } from "../../../simulator/types";
import { filterQuery, useSimulator, type SimHttp } from "../../support/simulator-http";

const HR = DEMO_IDS.hrSource;

async function listed(http: SimHttp, filter: string): Promise<string[]> {
  const response = await http.call("GET", `/v3/accounts?${filterQuery(filter)}`);
  expect(response.status, response.text).to.equal(200);
  return (response.body as Account[]).map((a) => a.nativeIdentity ?? "");
}

async function post(http: SimHttp, attributes: Record<string, string>): Promise<void> {
  const response = await http.call("POST", "/v3/accounts", { json: { attributes: { sourceId: HR, ...attributes } } });
  expect(response.status, response.text).to.equal(202);
  expect((await http.waitForTask((response.body as { id: string }).id)).completionStatus).to.equal("SUCCESS");
}

describe("simulator tenant settings", () => {
  describe("default (case-sensitive, creates merge)", () => {
    const context = useSimulator();
    beforeEach(() => context().sim.admin.seed(demoSeed()));

    it("matches nativeIdentity exactly in eq and in filters, and reports its settings", async () => {
      const { http, sim } = context();
      expect(await listed(http, `sourceId eq "${HR}" and nativeIdentity eq "e1001"`)).to.deep.equal([]);
      expect(await listed(http, `nativeIdentity in ("e1001","E1002")`)).to.deep.equal(["E1002"]);
      expect(sim.admin.state().settings).to.deep.equal({ nativeIdentityCase: "sensitive", duplicateCreates: false });
    });

    it("keeps E1001 and e1001 apart, and refuses a seed holding one nativeIdentity twice", () => {
      const { sim } = context();
      sim.admin.createAccount({ sourceId: HR, nativeIdentity: "e1001" });
      expect(
        sim.admin
          .listAccounts(HR)
          .map((a) => a.nativeIdentity)
          .sort(),
      ).to.deep.equal(["E1001", "E1002", "e1001"]);
      const twice: SeedData = {
        ...demoSeed(),
        accounts: [...(demoSeed().accounts ?? []), { sourceId: HR, nativeIdentity: "E1001" }],
      };
      expect(() => sim.admin.seed(twice)).to.throw(SimulatorAdminError, /appears twice/);
    });
  });

  describe("nativeIdentityCase: insensitive", () => {
    const context = useSimulator({ tenant: { nativeIdentityCase: "insensitive" } });
    beforeEach(() => context().sim.admin.seed(demoSeed()));

    it("ignores case in nativeIdentity eq, in and sw filters", async () => {
      const { http } = context();
      expect(await listed(http, `sourceId eq "${HR}" and nativeIdentity eq "e1001"`)).to.deep.equal(["E1001"]);
      expect(await listed(http, `nativeIdentity in ("e1001","e1002")`)).to.deep.equal(["E1001", "E1002"]);
      expect(await listed(http, `nativeIdentity sw "e100"`)).to.deep.equal(["E1001", "E1002"]);
    });

    it(
      "treats e1001 as the existing E1001: a create merges into it, keeping its spelling; admin " + "refuses it",
      async () => {
        const { http, sim } = context();
        await post(http, { id: "e1001", department: "Analytical Engines" });
        const hr = sim.admin.listAccounts(HR);
        expect(hr.map((a) => a.nativeIdentity)).to.deep.equal(["E1001", "E1002"]);
        expect(hr[0].attributes).to.include({ id: "E1001", department: "Analytical Engines" });
        expect(() => sim.admin.createAccount({ sourceId: HR, nativeIdentity: "e1001" })).to.throw(
          SimulatorAdminError,
          /already exists/,
        );
      },
    );

    it("a reseed keeps the setting unless the seed names it", async () => {
      const { http, sim } = context();
      sim.admin.seed({ ...demoSeed(), settings: {} });
      expect(await listed(http, `nativeIdentity eq "e1001"`)).to.deep.equal(["E1001"]);
      sim.admin.seed({ ...demoSeed(), settings: { nativeIdentityCase: "sensitive" } });
      expect(await listed(http, `nativeIdentity eq "e1001"`)).to.deep.equal([]);
      sim.admin.seed({ ...demoSeed(), settings: { nativeIdentityCase: "insensitive" } });
    });
  });

  describe("duplicateCreates: true", () => {
    const context = useSimulator({ tenant: { duplicateCreates: true } });
    beforeEach(() => context().sim.admin.seed(demoSeed()));

    it("makes a second account for a second POST of an existing nativeIdentity", async () => {
      const { http, sim } = context();
      await post(http, { id: "E1001", displayName: "Second Ada" });
      const ada = sim.admin.listAccounts(HR).filter((a) => a.nativeIdentity === "E1001");
      expect(ada).to.have.length(2);
      expect(ada[0].id).to.equal(DEMO_IDS.accounts.hrAda);
      expect(ada[0].attributes?.displayName).to.equal("Ada Lovelace");
      expect(ada[1].attributes?.displayName).to.equal("Second Ada");
      expect(await listed(http, `sourceId eq "${HR}" and nativeIdentity eq "E1001"`)).to.deep.equal(["E1001", "E1001"]);
    });

    it(
      "accepts two concurrent POSTs of one new nativeIdentity, even with pendingTaskRefusal, and makes two " +
        "accounts",
      async () => {
        const { http, sim } = context();
        sim.setFaults({ pendingTaskRefusal: true });
        try {
          await Promise.all([post(http, { id: "N1" }), post(http, { id: "N1" })]);
        } finally {
          sim.resetFaults();
        }
        expect(sim.admin.listAccounts(HR).filter((a) => a.nativeIdentity === "N1")).to.have.length(2);
      },
    );

    it("lets admin and seed hold duplicates; deleting one leaves the other findable", async () => {
      const { http, sim } = context();
      const extra = sim.admin.createAccount({ sourceId: HR, nativeIdentity: "E1001" });
      expect(sim.admin.listAccounts(HR).filter((a) => a.nativeIdentity === "E1001")).to.have.length(2);
      sim.admin.deleteAccount(DEMO_IDS.accounts.hrAda);
      const [left] = (await http.call("GET", `/v3/accounts?${filterQuery('nativeIdentity eq "E1001"')}`))
        .body as Account[];
      expect(left.id).to.equal(extra.id);
      sim.admin.seed({
        ...demoSeed(),
        accounts: [...(demoSeed().accounts ?? []), { sourceId: HR, nativeIdentity: "E1001" }],
      });
      expect(sim.admin.listAccounts(HR).filter((a) => a.nativeIdentity === "E1001")).to.have.length(2);
    });
  });

  it("takes the settings from CLI flags", async () => {
    const cli = spawn(process.execPath, [
      join(__dirname, "..", "..", "..", "simulator", "cli.js"),
      "--port",
      "0",
      "--native-identity-case",
      "insensitive",
      "--duplicate-creates",
    ]);
    try {
      let output = "";
      for await (const chunk of cli.stdout) {
        output += String(chunk);
        if (/listening on http/.test(output)) break;
      }
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const state = (await (await fetch(`${url}/__sim/state`)).json()) as { settings: unknown };
      expect(state.settings).to.deep.equal({ nativeIdentityCase: "insensitive", duplicateCreates: true });
    } finally {
      cli.kill("SIGTERM");
      await once(cli, "exit");
    }
  });

  it("rejects settings it does not know in a seed", () => {
    const bad = { ...demoSeed(), settings: { nativeIdentityCase: "upper" } } as unknown as SeedData;
    // normalizeSeed is what both startSimulator and /__sim/seed use.
    expect(() => normalizeSeed(bad)).to.throw(SeedError, /nativeIdentityCase/);
  });
});
