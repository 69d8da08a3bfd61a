/**
 * No request shape crashes the simulator, every request outside the contract gets an ISC-shaped
 * error, and the admin API is reachable only as /__sim/... from a same-origin caller.
 */
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { expect } from "chai";
import type { ErrorResponseDto } from "../../../provider/client/types";
import { useSimulator } from "../../support/simulator-http";

interface RawAnswer {
  status: number;
  body: unknown;
}

/** Sends the request target exactly as given (fetch would normalise it first). */
function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, body: text === "" ? undefined : (JSON.parse(text) as unknown) });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Writes bytes on a socket and returns what comes back before the server closes it. */
function rawSocket(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.on("error", reject);
  });
}

/**
 * ISC's three error shapes: 401 `{error}`, the token endpoint's OAuth `{error, error_description}`, ErrorResponseDto.
 */
function expectIscError(answer: RawAnswer, label: string): void {
  if (answer.status === 401 || label.includes("/oauth/token")) {
    expect(answer.body, label).to.have.property("error").that.is.a("string");
  } else {
    expect(answer.status, label).to.be.within(400, 499);
    expect((answer.body as ErrorResponseDto).trackingId, label).to.match(/^[0-9a-f]{32}$/);
    expect((answer.body as ErrorResponseDto).messages?.[0]?.text, label).to.be.a("string");
  }
}

describe("simulator robustness", () => {
  const context = useSimulator();
  afterEach(() => context().sim.resetFaults());

  const alive = async () => expect((await context().http.call("GET", "/v3/sources")).status).to.equal(200);

  it("answers GET // with an ISC error and keeps serving", async () => {
    const { sim, http } = context();
    const token = await http.token();
    expectIscError(await rawRequest(sim.port, "GET", "//"), "GET // without a token");
    const withToken = await rawRequest(sim.port, "GET", "//", { authorization: `Bearer ${token}` });
    expect(withToken.status).to.equal(404);
    expectIscError(withToken, "GET // with a token");
    await alive();
  });

  it("answers odd paths, methods and headers with ISC-shaped errors", async () => {
    const { sim, http } = context();
    const auth = { authorization: `Bearer ${await http.token()}` };
    const cases: Array<[string, string, Record<string, string>, string?]> = [
      ["GET", "///v3//accounts", auth],
      ["GET", "/%", auth],
      ["GET", "/v3/accounts/%zz", auth],
      ["GET", "/v3/accounts?filters=%&limit=%", auth],
      ["GET", "/..", auth],
      ["GET", "/v3/../../../etc/passwd", auth],
      ["GET", "*", auth],
      ["OPTIONS", "*", {}],
      ["GET", "http://elsewhere.example/v3/nothing", auth],
      ["HEAD", "/v3/nothing", auth],
      ["OPTIONS", "/v3/accounts", auth],
      ["TRACE", "/v3/accounts", auth],
      ["PROPFIND", "/v3/accounts", auth],
      ["DELETE", "/oauth/token", {}],
      ["POST", "/oauth/token", { "content-type": "multipart/form-data" }, "x"],
      ["POST", "/oauth/token", { "content-type": "text/plain" }, "grant_type=client_credentials"],
      ["POST", "/v3/accounts", { ...auth, "content-type": "application/json" }, "{not json"],
      ["PATCH", "/v3/accounts/x", { ...auth, "content-type": "application/json-patch+json" }, "[{]"],
      ["GET", "/v3/sources", { authorization: "Bearer" }],
      ["GET", "/v3/sources", { authorization: "Basic !!!" }],
      ["GET", `/${"a".repeat(8000)}`, auth],
      ["POST", "/__sim/faults", { "content-type": "application/json" }, "[1,2]"],
      ["GET", "/__sim/%zz", {}],
    ];
    for (const [method, path, headers, body] of cases) {
      const label = `${method} ${path.slice(0, 60)}`;
      const answer = await rawRequest(sim.port, method, path, headers, body);
      if (method === "HEAD") expect(answer.status, label).to.equal(404);
      else expectIscError(answer, label);
    }
    await alive();
  });

  it("answers bytes that are not HTTP with a 400 JSON error and keeps serving", async () => {
    const { sim } = context();
    for (const bytes of [
      "GARBAGE\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
    ]) {
      const reply = await rawSocket(sim.port, bytes);
      expect(reply, JSON.stringify(bytes)).to.match(/^HTTP\/1\.1 400 /);
      expect(reply).to.match(/"trackingId"/);
    }
    await alive();
  });

  describe("admin isolation", () => {
    it("does not let dot segments, encoded or not, reach the admin API", async () => {
      const { sim, http } = context();
      const auth = { authorization: `Bearer ${await http.token()}` };
      for (const path of [
        "/v3/../__sim/state",
        "/v3/accounts/%2e%2e/%2e%2e/__sim/state",
        "/v3/%2E%2E/__sim/state",
        "/./__sim/state",
      ]) {
        const answer = await rawRequest(sim.port, "GET", path, auth);
        expect(answer.status, path).to.equal(404);
        expectIscError(answer, path);
        expect(answer.body, path).not.to.have.property("accounts");
      }
      const post = await rawRequest(
        sim.port,
        "POST",
        "/v3/accounts/%2e%2e/%2e%2e/__sim/faults",
        { ...auth, "content-type": "application/json" },
        JSON.stringify({ errorRate: 1 }),
      );
      expect(post.status).to.equal(404);
      expect(sim.requests().at(-1)).to.deep.include({ path: "/__sim/faults", budget: "unknown" });
      expect((await rawRequest(sim.port, "GET", "/__sim/faults")).body).to.include({ errorRate: 0 });
    });

    it(
      "refuses admin calls from a foreign Origin, Host or cross-site browser request; accepts its " + "own origin",
      async () => {
        const { sim } = context();
        const faults = JSON.stringify({ latencyMs: 5 });
        const json = { "content-type": "application/json" };
        const foreign: Array<Record<string, string>> = [
          { origin: "http://evil.example" },
          { origin: "null" },
          { origin: `http://127.0.0.1:${sim.port + 1}` },
          { origin: `https://127.0.0.1:${sim.port}` },
          { host: `rebound.example:${sim.port}` },
          { "sec-fetch-site": "cross-site" },
        ];
        for (const headers of foreign) {
          const answer = await rawRequest(sim.port, "POST", "/__sim/faults", { ...json, ...headers }, faults);
          expect(answer.status, JSON.stringify(headers)).to.equal(403);
          expectIscError(answer, JSON.stringify(headers));
        }
        expect(sim.admin.state().faults.latencyMs).to.equal(0);
        for (const origin of [`http://127.0.0.1:${sim.port}`, `http://localhost:${sim.port}`]) {
          expect(
            (await rawRequest(sim.port, "POST", "/__sim/faults", { ...json, origin }, faults)).status,
            origin,
          ).to.equal(200);
        }
        expect((await fetch(`${sim.url}/__sim/state`)).status, "tools without Origin still work").to.equal(200);
      },
    );
  });
});
