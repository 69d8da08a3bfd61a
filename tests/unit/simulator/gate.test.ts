/** The simulator's gate: OAuth token endpoint, bearer tokens, token expiry and the rate limit. */
import { expect } from "chai";
import { DEMO_CLIENT, DEMO_IDS, startSimulator } from "../../../simulator/index";
import { filterQuery, SimHttp, sleep, useSimulator } from "../../support/simulator-http";

describe("simulator gate", () => {
  describe("POST /oauth/token", () => {
    const context = useSimulator({ tokenTtlSeconds: 600 });

    const tokenRequest = (body: string, init: { headers?: Record<string, string>; query?: string } = {}) =>
      fetch(`${context().sim.url}/oauth/token${init.query ?? ""}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...init.headers },
        body,
      });

    it("issues a bearer token for client credentials in the form body", async () => {
      const response = await tokenRequest(
        `grant_type=client_credentials&client_id=${DEMO_CLIENT.clientId}&client_secret=${DEMO_CLIENT.clientSecret}`,
      );
      expect(response.status).to.equal(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).to.include({ token_type: "bearer", expires_in: 600 });
      expect(body.access_token).to.be.a("string").with.length.above(20);
      const api = await context().http.call("GET", "/v3/sources", { token: body.access_token as string });
      expect(api.status).to.equal(200);
    });

    it("accepts HTTP Basic credentials", async () => {
      const basic = Buffer.from(`${DEMO_CLIENT.clientId}:${DEMO_CLIENT.clientSecret}`).toString("base64");
      const response = await tokenRequest("grant_type=client_credentials", {
        headers: { authorization: `Basic ${basic}` },
      });
      expect(response.status).to.equal(200);
    });

    it("answers 401 invalid_client for a wrong secret", async () => {
      const response = await tokenRequest(
        `grant_type=client_credentials&client_id=${DEMO_CLIENT.clientId}&client_secret=wrong`,
      );
      expect(response.status).to.equal(401);
      expect(await response.json()).to.include({ error: "invalid_client" });
    });

    it(
      "takes credentials from the URL query string as ISC does, and keeps the secret out of the " + "request log",
      async () => {
        context().sim.clearRequests();
        const query =
          `?grant_type=client_credentials&client_id=${DEMO_CLIENT.clientId}` +
          `&client_secret=${DEMO_CLIENT.clientSecret}`;
        const response = await tokenRequest("", { query });
        expect(response.status).to.equal(200);
        const logged = context().sim.requests();
        expect(logged[0]).to.deep.include({ path: "/oauth/token", budget: "oauth", status: 200 });
        expect(JSON.stringify(logged)).not.to.include(DEMO_CLIENT.clientSecret);
      },
    );

    it("refuses a body that is neither form type", async () => {
      const response = await tokenRequest(JSON.stringify({ grant_type: "client_credentials" }), {
        headers: { "content-type": "application/json" },
      });
      expect(response.status).to.equal(400);
      expect(await response.json()).to.include({ error: "invalid_request" });
    });

    it("refuses other grant types", async () => {
      const response = await tokenRequest(
        `grant_type=password&client_id=${DEMO_CLIENT.clientId}&client_secret=${DEMO_CLIENT.clientSecret}`,
      );
      expect(response.status).to.equal(400);
      expect(await response.json()).to.include({ error: "unsupported_grant_type" });
    });
  });

  describe("bearer tokens", () => {
    const context = useSimulator();
    afterEach(() => context().sim.resetFaults());

    it("answers 401 {error} without a token and with an unknown one", async () => {
      for (const token of [null, "made-up"]) {
        const response = await context().http.call("GET", "/v3/accounts", { token });
        expect(response.status).to.equal(401);
        expect(response.body).to.have.property("error").that.is.a("string");
      }
    });

    it("answers 401 once a token has expired (tokenExpiryMs), and a new token works", async () => {
      const { sim, http } = context();
      sim.setFaults({ tokenExpiryMs: 60 });
      const shortLived = await http.fetchToken();
      expect((await http.call("GET", "/v3/sources", { token: shortLived })).status).to.equal(200);
      await sleep(80);
      expect((await http.call("GET", "/v3/sources", { token: shortLived })).status).to.equal(401);
      sim.resetFaults();
      expect((await http.call("GET", "/v3/sources", { token: await http.fetchToken() })).status).to.equal(200);
    });

    it("expireAllTokens() invalidates every issued token", async () => {
      const { sim, http } = context();
      const token = await http.fetchToken();
      sim.expireAllTokens();
      expect((await http.call("GET", "/v3/sources", { token })).status).to.equal(401);
    });

    it("never writes tokens or secrets to the access log", async () => {
      const lines: string[] = [];
      const sim = await startSimulator({ log: (line) => lines.push(line) });
      try {
        const http = new SimHttp(sim);
        const token = await http.token();
        await http.call("GET", `/v3/accounts?${filterQuery(`sourceId eq "${DEMO_IDS.hrSource}"`)}`);
        expect(lines).to.have.length(2);
        expect(lines.join("\n")).not.to.include(token).and.not.to.include(DEMO_CLIENT.clientSecret);
        expect(lines[1]).to.match(/GET \/v3\/accounts 200 \d+ms budget=v3 client=sim-client-id/);
      } finally {
        await sim.stop();
      }
    });
  });

  describe("rate limit", () => {
    const context = useSimulator({ rateLimit: { requestsPerWindow: 3, windowMs: 10_000 }, timeScale: 0.05 });

    it(
      "answers 429 with Retry-After and {message} past the limit, per budget, and frees up as the " + "window slides",
      async () => {
        const { http } = context();
        await http.token();
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await http.call("GET", "/v3/sources")).status);
        expect(statuses).to.deep.equal([200, 200, 200, 429]);
        const limited = await http.call("GET", "/v3/sources");
        expect(limited.status).to.equal(429);
        expect(limited.headers.get("retry-after")).to.equal("1");
        expect(limited.body).to.have.property("message").that.is.a("string");

        // v2025 and the per-service paths are separate budgets.
        expect((await http.call("GET", "/v2025/task-status")).status).to.equal(200);
        expect((await http.call("GET", "/sources/v1")).status).to.equal(200);

        // timeScale 0.05 turns the 10 s window into 500 ms.
        await sleep(550);
        expect((await http.call("GET", "/v3/sources")).status).to.equal(200);
      },
    );

    it("counts each client id separately", async () => {
      const { sim, http } = context();
      sim.admin.seed({ clients: [DEMO_CLIENT, { clientId: "second", clientSecret: "second-secret" }] });
      const second = new SimHttp(sim, { clientId: "second", clientSecret: "second-secret" });
      http.forgetToken();
      for (let i = 0; i < 3; i++) await http.call("GET", "/v3/sources");
      expect((await http.call("GET", "/v3/sources")).status).to.equal(429);
      expect((await second.call("GET", "/v3/sources")).status).to.equal(200);
    });
  });
});
