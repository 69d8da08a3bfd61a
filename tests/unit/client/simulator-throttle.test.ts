/**
 * The client against the simulator's ISC-shaped 429s and deprecation headers (simulator/throttle.ts,
 * SailPoint's escalating 60/300/600/1200 s Retry-After on the timeScale clock).
 */
import { expect } from "chai";
import { createIscClient } from "../../../provider/client/request";
import { RetryAfterTooLongError } from "../../../provider/client/throttle";
import { clientOptionsFromConfig } from "../../../provider/resources/shared/runtime";
import { startSimulator } from "../../../simulator/index";
import type { RunningSimulator } from "../../../simulator/types";

describe("client against the simulator's escalating 429s", () => {
  let sim: RunningSimulator;
  // 60 s penalties last 0.6 s: the first Retry-After reads 1 s, the second 3 s.
  before(async () => (sim = await startSimulator({ timeScale: 0.01, taskDelayMs: 10, deprecatedApiVersions: ["v3"] })));
  after(() => sim.stop());

  it(
    "sits out an escalation step within isc:maxRetryAfterSeconds and fails fast on the next, naming the setting; " +
      "warns once about X-Deprecated",
    async () => {
      const warnings: string[] = [];
      const options = clientOptionsFromConfig((key) => (key === "isc:maxRetryAfterSeconds" ? "2" : undefined));
      const client = createIscClient(
        { baseUrl: sim.url, ...sim.clients[0] },
        { ...options, rateLimit: false, warn: (line) => warnings.push(line) },
      );
      await client.request("listSources", { query: { limit: 1 } }); // a deprecated v3 answer before the burst
      sim.setFaults({ escalatingRetryAfter: true, rateLimitBurst: 2 });
      const started = Date.now();
      const err = await client.request("listSources", { query: { limit: 1 } }).then(
        () => expect.fail("expected the escalated 429 to fail the request"),
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(RetryAfterTooLongError);
      expect((err as Error).message)
        .to.contain("ISC asked to wait 3 s")
        .and.contain("isc:maxRetryAfterSeconds");
      expect(Date.now() - started).to.be.lessThan(2_500); // one 1 s wait, then no more
      expect(client.stats().throttled).to.equal(2);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.contain("X-Deprecated").and.contain("isc:apiGeneration");
    },
  );
});
