/**
 * The provider's client-side limiter (createIscClient, per-service paths) against both groupings of
 * the simulator's per-service rate budgets. SailPoint does not document whether `/accounts/v1`,
 * `/sources/v1` and `/task-status/v1` each have a budget of 100 per 10 s or share one, so a burst
 * over several services must draw no 429 under either.
 */
import { expect } from "chai";
import { createIscClient, type IscClient } from "../../provider/client/request";
import type { RouteName } from "../../provider/client/routes";
import { startSimulator } from "../../simulator/index";
import type { RunningSimulator, SimulatorOptions } from "../../simulator/types";

const SERVICES: readonly RouteName[] = ["listAccounts", "listSources", "listTaskStatus"];
/** Per service: together more than one budget of 100 allows, each well under it. */
const REQUESTS_PER_SERVICE = 45;

/**
 * The provider's limiter counts the per-service paths of one version as one budget
 * (provider/client/routes.ts `budgetOf`); when it keyed each service apart, "shared" drew 35 429s.
 */
const PENDING_ON_PROVIDER: ReadonlySet<string> = new Set();

for (const grouping of ["separate", "shared"] as const satisfies ReadonlyArray<
  SimulatorOptions["perServiceRateBudget"]
>) {
  describe(`provider limiter with perServiceRateBudget "${grouping}"`, function () {
    this.timeout(60_000);
    let sim: RunningSimulator;
    let client: IscClient;
    before(async () => {
      // ISC's documented limit (100 per 10 s per client id), on the real clock.
      sim = await startSimulator({ perServiceRateBudget: grouping, taskDelayMs: 10 });
      const [credentials] = sim.clients;
      client = createIscClient({ baseUrl: sim.url, ...credentials }, { generation: "per-service" });
    });
    after(() => sim.stop());

    (PENDING_ON_PROVIDER.has(grouping) ? it.skip : it)(
      `sends a burst of ${REQUESTS_PER_SERVICE * SERVICES.length} requests over ${SERVICES.length} services ` +
        `without a 429`,
      async () => {
        const calls = SERVICES.flatMap((route) =>
          Array.from({ length: REQUESTS_PER_SERVICE }, () => client.request(route, { query: { limit: 1 } })),
        );
        const answers = await Promise.all(calls);
        expect(answers.every((answer) => answer.status === 200)).to.equal(true);
        const throttled = sim.requests().filter((entry) => entry.status === 429);
        expect(
          throttled.map((entry) => `${entry.method} ${entry.path}`),
          "429s answered by the simulator",
        ).to.deep.equal([]);
        expect(client.stats().throttled).to.equal(0);
      },
    );
  });
}
