/** 429 answers: Retry-After forms, the escalating penalty, budget grouping and X-Deprecated over HTTP. */
import { expect } from "chai";
import { NO_FAULTS } from "../../../simulator/index";
import { ESCALATION_STEPS_SECONDS, Throttle } from "../../../simulator/throttle";
import type { FaultConfig } from "../../../simulator/types";
import { useSimulator } from "../../support/simulator-http";

describe("simulator throttle", () => {
  describe("Throttle (on an explicit clock)", () => {
    let faults: FaultConfig;
    beforeEach(() => {
      faults = { ...NO_FAULTS };
    });
    const throttle = (timeScale = 1) => new Throttle(() => faults, timeScale);

    it("answers Retry-After in whole seconds, rounded up, by default, and sets no penalty", () => {
      const t = throttle();
      expect(t.refuse("k", 2_100, 0).headers["Retry-After"]).to.equal("3");
      expect(t.refuse("k", 10, 0).headers["Retry-After"]).to.equal("1");
      expect(t.penalty("k", 1)).to.equal(undefined);
    });

    it("escalates 60, 300, 600, 1200, 1200 s, refusing the client's budget until each penalty has passed", () => {
      faults.escalatingRetryAfter = true;
      const t = throttle();
      let now = 1_000_000;
      const seen: string[] = [];
      for (let violation = 0; violation < 5; violation++) {
        const answer = t.refuse("client\u0000v3", 500, now);
        seen.push(answer.headers["Retry-After"]);
        const seconds = Number(answer.headers["Retry-After"]);
        expect(t.penalty("client\u0000v3", now + seconds * 1000 - 1)?.headers["Retry-After"]).to.equal("1");
        expect(t.penalty("other\u0000v3", now), "other budgets are not penalised").to.equal(undefined);
        now += seconds * 1000;
        expect(t.penalty("client\u0000v3", now), "free once the penalty has passed").to.equal(undefined);
      }
      expect(seen).to.deep.equal(["60", "300", "600", "1200", "1200"]);
      expect(ESCALATION_STEPS_SECONDS).to.deep.equal([60, 300, 600, 1200]);
    });

    it("scales the penalty with timeScale and forgets it when the fault is switched off", () => {
      faults.escalatingRetryAfter = true;
      const t = throttle(0.1);
      expect(t.refuse("k", 500, 0).headers["Retry-After"]).to.equal("6");
      expect(t.penalty("k", 5_999)).not.to.equal(undefined);
      faults.escalatingRetryAfter = false;
      expect(t.penalty("k", 1)).to.equal(undefined);
      faults.escalatingRetryAfter = true;
      expect(t.refuse("k", 500, 2).headers["Retry-After"], "escalation starts over").to.equal("6");
    });

    it("gives Retry-After as an HTTP-date with retryAfterHttpDate, never earlier than the wait", () => {
      faults.retryAfterHttpDate = true;
      const now = Date.UTC(2026, 11, 1, 23, 0, 0, 400);
      const value = throttle().refuse("k", 1_500, now).headers["Retry-After"];
      expect(value).to.equal("Tue, 01 Dec 2026 23:00:03 GMT");
      expect(Date.parse(value)).to.be.at.least(now + 1_500);
    });
  });

  describe("over HTTP", () => {
    const context = useSimulator({
      rateLimit: { requestsPerWindow: 2, windowMs: 10_000 },
      perServiceRateBudget: "shared",
    });
    afterEach(() => context().sim.resetFaults());

    it(
      "arms a 60 s Retry-After on the next request with rateLimitBurst + escalatingRetryAfter, then refuses " +
        "during the penalty",
      async () => {
        const { sim, http } = context();
        await http.token();
        sim.setFaults({ rateLimitBurst: 1, escalatingRetryAfter: true });
        const first = await http.call("GET", "/v2025/task-status");
        expect(first.status).to.equal(429);
        expect(first.headers.get("retry-after")).to.equal("60");
        expect(first.body).to.have.property("message");
        const during = await http.call("GET", "/v2025/task-status");
        expect(during.status).to.equal(429);
        expect(Number(during.headers.get("retry-after"))).to.be.within(1, 60);
        expect((await http.call("GET", "/v3/sources")).status, "another budget is not penalised").to.equal(200);
        sim.resetFaults();
        expect((await http.call("GET", "/v2025/task-status")).status).to.equal(200);
      },
    );

    it("sends Retry-After as an HTTP-date with retryAfterHttpDate", async () => {
      const { sim, http } = context();
      await http.token();
      sim.setFaults({ rateLimitBurst: 1, retryAfterHttpDate: true });
      const started = Date.now();
      const answer = await http.call("GET", "/v2025/task-status/none");
      expect(answer.status).to.equal(429);
      const value = answer.headers.get("retry-after") ?? "";
      expect(value).to.match(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      expect(Date.parse(value)).to.be.at.least(started);
    });

    it(
      'counts all per-service paths against one budget with perServiceRateBudget "shared"; versions stay ' + "separate",
      async () => {
        const { http } = context();
        await http.token();
        expect((await http.call("GET", "/accounts/v1?limit=1")).status).to.equal(200);
        expect((await http.call("GET", "/sources/v1")).status).to.equal(200);
        const third = await http.call("GET", "/task-status/v1");
        expect(third.status).to.equal(429);
        expect(context().sim.requests().at(-1)).to.deep.include({
          path: "/task-status/v1",
          budget: "task-status/v1",
          status: 429,
        });
        expect((await http.call("GET", "/v3/sources")).status).to.equal(200);
      },
    );
  });

  describe("deprecatedApiVersions", () => {
    const context = useSimulator({ deprecatedApiVersions: ["v3"] });

    it("marks answers under a deprecated version with X-Deprecated: true, and only those", async () => {
      const { http } = context();
      await http.token();
      const v3 = await http.call("GET", "/v3/accounts/unknown");
      expect(v3.status).to.equal(404);
      expect(v3.headers.get("x-deprecated")).to.equal("true");
      const v2025 = await http.call("GET", "/v2025/task-status/unknown");
      expect(v2025.headers.get("x-deprecated")).to.equal(null);
      const perService = await http.call("GET", "/accounts/v1/unknown");
      expect(perService.headers.get("x-deprecated")).to.equal(null);
    });
  });
});
