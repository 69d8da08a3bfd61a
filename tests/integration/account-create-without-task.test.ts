/**
 * A creating POST that ISC accepted (2xx) but whose answer names no task, as behind a gateway that
 * rewrites the body or after an API change: the create may be applied, so the provider must look the
 * account up (never say "nothing was created", never POST again). Called in-process, because the
 * plugin's stack cannot be pointed at the rewriting proxy this needs.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { provider } from "../../provider/resources/account/provider";
import { resetProviderRuntime } from "../../provider/resources/shared/runtime";
import { startSimulator, type RunningSimulator } from "../../simulator";
import { DEMO_IDS } from "../../simulator/seed";

const HR = DEMO_IDS.hrSource;

/** Forwards everything to the simulator, but answers a 202 to POST /v3/accounts with 200 and an HTML page. */
function rewritingProxy(target: URL): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const upstream = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on("data", (c: Buffer) => body.push(c));
          answer.on("end", () => {
            if (req.method === "POST" && req.url === "/v3/accounts" && answer.statusCode === 202) {
              res.writeHead(200, { "Content-Type": "text/html" });
              res.end("<html>Accepted</html>");
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      upstream.end(Buffer.concat(chunks));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("Account create answered 2xx without a task id", function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  let proxy: http.Server;

  before(async () => {
    sim = await startSimulator({ port: 0, taskDelayMs: 20 });
    proxy = await rewritingProxy(new URL(sim.url));
    resetProviderRuntime();
    const [client] = sim.clients;
    const values: Record<string, string> = {
      "isc:baseUrl": `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      "isc:clientId": client.clientId,
      "isc:clientSecret": client.clientSecret,
    };
    await provider.configure!({
      config: {
        get: (key) => values[key],
        require: (key) => values[key],
      },
    });
  });

  after(async () => {
    resetProviderRuntime();
    await new Promise((resolve) => proxy?.close(resolve));
    await sim?.stop();
  });

  it("looks the account up and returns it, with one POST (it never says nothing was created)", async () => {
    const result = await provider.create({
      sourceId: HR,
      nativeIdentity: "E7001",
      attributes: { displayName: "Seven" },
    });
    const onTenant = sim.admin.listAccounts(HR).filter((a) => a.nativeIdentity === "E7001");
    expect(onTenant).to.have.length(1);
    expect(result.id).to.equal(onTenant[0].id);
    expect(sim.requests().filter((r) => r.method === "POST" && r.path === "/v3/accounts")).to.have.length(1);
  });
});
