import { expect } from "chai";
import {
  budgetTimeMs,
  describeBound,
  lowerBound,
  lookupFloorAtParallel,
  parallelismFloorMs,
  requiredRequests,
} from "../../../scripts/lib/bounds";

const ISC_SCALED = { requestsPerWindow: 100, windowMs: 1_000 };

describe("bench lower bounds", () => {
  const workload = { accountsPerSource: [250, 250], updated: 50 };

  it(
    "counts what each phase must send: one POST/DELETE per account, list calls of 250, schema reads " + "per source",
    () => {
      expect(requiredRequests("create", workload)).to.deep.equal({ v3: 500 + 2 * 2 + 4, v2025: 2, oauth: 1 });
      expect(requiredRequests("refresh", workload)).to.deep.equal({ v3: 2, v2025: 0, oauth: 1 });
      expect(requiredRequests("update", workload)).to.deep.equal({ v3: 50 + 1 + 4, v2025: 1, oauth: 1 });
      // Two reads per updated account (before the PUT and after its task): 2 x 200 ids need two list calls.
      expect(requiredRequests("update", { accountsPerSource: [2000], updated: 200 }).v3).to.equal(200 + 2 + 2);
      expect(requiredRequests("delete", workload)).to.deep.equal({ v3: 500, v2025: 2, oauth: 1 });
    },
  );

  it("needs one more lookup per source as soon as a source passes 250 accounts", () => {
    expect(requiredRequests("create", { accountsPerSource: [251, 0], updated: 0 }).v3).to.equal(251 + 2 * 2 + 2);
    expect(requiredRequests("refresh", { accountsPerSource: [251, 250], updated: 0 }).v3).to.equal(3);
  });

  it("lets the first window's worth through at once, then one window per budget", () => {
    expect(budgetTimeMs(0, ISC_SCALED)).to.equal(0);
    expect(budgetTimeMs(100, ISC_SCALED)).to.equal(0);
    expect(budgetTimeMs(101, ISC_SCALED)).to.equal(1_000);
    expect(budgetTimeMs(508, ISC_SCALED)).to.equal(5_000);
  });

  it("takes the binding budget and adds one task duration when the phase waits for tasks", () => {
    const create = lowerBound("create", workload, ISC_SCALED, 100);
    expect(create.binding).to.equal("v3");
    expect(create.ms).to.equal(5_000 + 100);
    expect(create.budgetMs).to.deep.equal({ v3: 5_000, v2025: 0 });
    const refresh = lowerBound("refresh", workload, ISC_SCALED, 100);
    expect(refresh.ms).to.equal(0);
    expect(refresh.taskMs).to.equal(0);
  });

  it("ignores the token endpoint, which ISC does not rate-limit", () => {
    expect(lowerBound("refresh", workload, ISC_SCALED, 0).budgetMs).to.not.have.property("oauth");
  });

  it("computes the --parallel floor from operations, slots and task duration", () => {
    expect(parallelismFloorMs(500, 16, 100)).to.equal(32 * 100);
    expect(parallelismFloorMs(16, 16, 100)).to.equal(100);
  });

  it("puts the lookup floor at two asks per create, --parallel + 1 answered per request", () => {
    expect(lookupFloorAtParallel(500, 16)).to.equal(59);
    expect(lookupFloorAtParallel(2000, 64)).to.equal(62);
    // The target's one per 50 creates is within reach only from --parallel 99 up.
    expect(lookupFloorAtParallel(5000, 98)).to.be.above(5000 / 50);
    expect(lookupFloorAtParallel(5000, 99)).to.equal(5000 / 50);
  });

  it("says in one sentence what sets each bound, from ISC's limit only", () => {
    const deleteAll = lowerBound("delete", workload, ISC_SCALED, 100);
    expect(describeBound(deleteAll, ISC_SCALED)).to.equal(
      "bound 4.10 s: the 500 v3 requests it must make take 4.00 s at ISC's 100 per 1000 ms per API version + the " +
        "last task 0.10 s",
    );
    const deleteFew = lowerBound("delete", { accountsPerSource: [100], updated: 0 }, ISC_SCALED, 100);
    expect(describeBound(deleteFew, ISC_SCALED)).to.equal(
      "bound 0.10 s: the 100 v3 + 1 v2025 requests it must make fit in one rate window at ISC's 100 per 1000 ms " +
        "per API version, so only the last task counts",
    );
    expect(describeBound(lowerBound("refresh", workload, ISC_SCALED, 100), ISC_SCALED)).to.match(
      /^bound 0: .* and it waits for no task$/,
    );
  });
});
