/**
 * Issue 14: a refresh of N accounts costs at most ceil(N/250)+5 v3 requests at every N, whatever
 * `--parallel` is. Pulumi reads in STATE order (creation order) while the read-ahead pages are
 * sorted by id, and ISC's ids are random hex: reads arrive in no order the pages follow. Drives the
 * real reader against the simulator with the bench's tenant (the demo tenant plus N accounts over
 * its two flat-file sources), `parallel` reads at once, each worker starting its next read as soon
 * as one returns, as Pulumi's step executor does.
 */
import { expect } from "chai";
import { createAccountReader } from "../../../../provider/resources/account/account-reader";
import { createIscClient } from "../../../../provider/client/request";
import { DEMO_IDS, demoSeed, startSimulator, type RunningSimulator } from "../../../../simulator";
import { derivedHexId } from "../../../../simulator/ids";
import { withParallelism } from "../../../support/parallel-reads";

/** A rate budget that always has a free slot (the simulator's limit is off too: this counts requests, not time). */
const idle = () => Promise.resolve();

const SOURCES = [DEMO_IDS.hrSource, DEMO_IDS.contractorsSource];

interface StackAccount {
  id: string;
  sourceId: string;
}

/** N accounts in creation order, alternating sources, with ids as random as ISC's but the same every run. */
function stackAccounts(n: number): StackAccount[] {
  return Array.from({ length: n }, (_v, i) => ({
    id: derivedHexId("refresh-scale", String(i)),
    sourceId: SOURCES[i % 2],
  }));
}

describe("refresh read-ahead at scale (issue 14): ceil(N/250)+5 v3 requests whatever --parallel is", function () {
  this.timeout(60_000);
  let sim: RunningSimulator;

  afterEach(() => sim?.stop());

  for (const n of [500, 2_000, 5_000]) {
    it(`refreshes ${n} accounts in creation order at --parallel 4, 16 and 64`, async () => {
      const accounts = stackAccounts(n);
      const seed = demoSeed();
      seed.accounts = [
        ...(seed.accounts ?? []),
        ...accounts.map((a, i) => ({
          id: a.id,
          sourceId: a.sourceId,
          nativeIdentity: `scale.${i}`,
          attributes: { displayName: `scale ${i}` },
        })),
      ];
      sim = await startSimulator({ port: 0, seed, rateLimit: false });
      const [credentials] = sim.clients;
      const limit = Math.ceil(n / 250) + 5;
      const counts: Record<number, number> = {};
      for (const parallel of [4, 16, 64]) {
        sim.clearRequests();
        const client = createIscClient({ baseUrl: sim.url, ...credentials }, { rateLimit: false });
        const reader = createAccountReader(client, idle);
        let wrong = 0;
        await withParallelism(accounts, parallel, async (a) => {
          if ((await reader.getForRefresh(a.id, a.sourceId))?.id !== a.id) wrong++;
        });
        expect(wrong, `accounts read wrong at --parallel ${parallel}`).to.equal(0);
        counts[parallel] = sim.requests().filter((r) => r.budget === "v3").length;
      }
      for (const [parallel, v3] of Object.entries(counts)) {
        expect(v3, `v3 requests at --parallel ${parallel} (all: ${JSON.stringify(counts)})`).to.be.at.most(limit);
      }
    });
  }
});
