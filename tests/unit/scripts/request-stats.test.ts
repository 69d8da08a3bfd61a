import { expect } from "chai";
import { accountLookups, inListSize, operationOf, summarizeRequests } from "../../../scripts/lib/request-stats";
import type { RequestLogEntry } from "../../../simulator/types";

const ID = "0123456789abcdef0123456789abcdef";

function entry(method: string, path: string, status: number, budget: string, filters?: string): RequestLogEntry {
  return {
    time: "2026-01-01T00:00:00.000Z",
    method,
    path,
    query: filters ? { filters } : {},
    status,
    budget,
    durationMs: 1,
  };
}

describe("request figures from the simulator's log", () => {
  it("counts as account lookups every list by nativeIdentity, on one source or several, and newest-first pages", () => {
    const log = [
      entry("GET", "/v3/accounts", 200, "v3", 'sourceId eq "s" and nativeIdentity in ("a")'),
      entry("GET", "/v3/accounts", 200, "v3", 'sourceId in ("s","t") and nativeIdentity in ("a","b")'),
      {
        ...entry("GET", "/v3/accounts", 200, "v3", 'sourceId in ("s","t")'),
        query: { filters: 'sourceId in ("s","t")', sorters: "-created" },
      },
      entry("GET", "/v3/accounts", 200, "v3", 'sourceId eq "s"'),
      entry("GET", "/v3/accounts", 200, "v3", 'id in ("x")'),
    ];
    expect(accountLookups(log)).to.equal(3);
  });

  it("counts the values of an in (...) list, quotes and escapes included", () => {
    expect(inListSize('id in ("a","b","c")')).to.equal(3);
    expect(inListSize('sourceId eq "s" and nativeIdentity in ("x\\"y","z")')).to.equal(2);
    expect(inListSize('sourceId in ("s","t") and nativeIdentity in ("a) in (","b","c")')).to.equal(3);
    expect(inListSize('sourceId eq "s"')).to.equal(undefined);
    expect(inListSize(undefined)).to.equal(undefined);
  });

  it("names operations with ids blanked and the in-list field", () => {
    expect(operationOf(entry("DELETE", `/v3/accounts/${ID}`, 202, "v3"))).to.equal("DELETE /v3/accounts/{id}");
    expect(operationOf(entry("GET", "/v3/accounts", 200, "v3", 'id in ("a")'))).to.equal("GET /v3/accounts [id in]");
    expect(
      operationOf(entry("GET", "/v3/accounts", 200, "v3", 'sourceId in ("s","t") and nativeIdentity in ("a")')),
      "the names asked, not the sources they are on",
    ).to.equal("GET /v3/accounts [nativeIdentity in]");
    expect(operationOf(entry("GET", "/v3/accounts", 200, "v3", 'sourceId eq "s"'))).to.equal(
      "GET /v3/accounts [filtered]",
    );
  });

  it("sums per budget, counts 429s, failures and 401s, and leaves the admin API out", () => {
    const figures = summarizeRequests([
      entry("POST", "/oauth/token", 200, "oauth"),
      entry("POST", "/v3/accounts", 202, "v3"),
      entry("POST", "/v3/accounts", 429, "v3"),
      entry("POST", "/v3/accounts", 500, "v3"),
      entry("GET", "/v2025/task-status", 0, "v2025", 'id in ("a","b")'),
      entry("GET", "/v2025/task-status", 401, "v2025", 'id in ("a","b","c","d")'),
      entry("GET", "/__sim/state", 200, "admin"),
    ]);
    expect(figures.total).to.equal(6);
    expect(figures.perBudget).to.deep.equal({ oauth: 1, v3: 3, v2025: 2 });
    expect(figures.throttled).to.equal(1);
    expect(figures.failed).to.equal(2);
    expect(figures.unauthorized).to.equal(1);
    expect(figures.operations[0]).to.deep.equal({ operation: "POST /v3/accounts", count: 3, throttled: 1 });
    expect(figures.operations.find((o) => o.operation === "GET /v2025/task-status [id in]")).to.include({
      count: 2,
      meanInValues: 3,
    });
  });
});
