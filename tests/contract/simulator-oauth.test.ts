/**
 * Contract: the simulator's token endpoint (the contract's clientCredentials `tokenUrl`) answers each
 * form SailPoint documents for it (FIELD-NOTES, "Token request forms"): multipart/form-data as their
 * curl `--form` example and the official SDKs send it, application/x-www-form-urlencoded, and the
 * parameters in the query string. Every form is sent by a real HTTP client library.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import axios from "axios";
import { expect } from "chai";
import { DEMO_CLIENT, startSimulator } from "../../simulator/index";
import type { RunningSimulator } from "../../simulator/types";

const CONTRACT = join(__dirname, "..", "..", "..", "..", "shared", "isc-openapi", "isc-v3-accounts.openapi.json");

interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The path of the contract's clientCredentials tokenUrl, or the documented one when ../shared is absent. */
function tokenPath(): string {
  try {
    const contract = JSON.parse(readFileSync(CONTRACT, "utf8")) as {
      components: { securitySchemes: { applicationAuth: { flows: { clientCredentials: { tokenUrl: string } } } } };
    };
    return new URL(contract.components.securitySchemes.applicationAuth.flows.clientCredentials.tokenUrl).pathname;
  } catch {
    return "/oauth/token";
  }
}

const FIELDS = {
  grant_type: "client_credentials",
  client_id: DEMO_CLIENT.clientId,
  client_secret: DEMO_CLIENT.clientSecret,
};

describe("contract: POST /oauth/token in each documented form", () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ rateLimit: false });
  });
  after(() => sim.stop());

  const url = () => `${sim.url}${tokenPath()}`;

  const expectWorkingToken = async (answer: TokenAnswer): Promise<void> => {
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body).to.include({ token_type: "bearer" });
    expect(answer.body.expires_in).to.be.a("number");
    const api = await fetch(`${sim.url}/v3/sources`, {
      headers: { authorization: `Bearer ${String(answer.body.access_token)}` },
    });
    expect(api.status).to.equal(200);
  };

  it("multipart/form-data from fetch's FormData (the curl --form example)", async () => {
    const form = new FormData();
    for (const [name, value] of Object.entries(FIELDS)) form.append(name, value);
    const response = await fetch(url(), { method: "POST", body: form });
    await expectWorkingToken({ status: response.status, body: (await response.json()) as Record<string, unknown> });
  });

  it("multipart/form-data from axios (what the official SDKs send)", async () => {
    const response = await axios.postForm<Record<string, unknown>>(url(), FIELDS, { validateStatus: () => true });
    expect(String(response.config.headers["Content-Type"] ?? response.request?.getHeader?.("content-type"))).to.match(
      /^multipart\/form-data; boundary=/,
    );
    await expectWorkingToken({ status: response.status, body: response.data });
  });

  it("application/x-www-form-urlencoded", async () => {
    const response = await axios.post<Record<string, unknown>>(url(), new URLSearchParams(FIELDS), {
      validateStatus: () => true,
    });
    await expectWorkingToken({ status: response.status, body: response.data });
  });

  it("parameters in the query string, with the secret kept out of the request log", async () => {
    sim.clearRequests();
    const response = await fetch(`${url()}?${new URLSearchParams(FIELDS).toString()}`, { method: "POST" });
    await expectWorkingToken({ status: response.status, body: (await response.json()) as Record<string, unknown> });
    expect(JSON.stringify(sim.requests())).not.to.include(DEMO_CLIENT.clientSecret);
  });

  it(
    "answers invalid_client for a wrong secret in every form, and invalid_request for an unreadable " +
      "multipart body",
    async () => {
      const wrong = { ...FIELDS, client_secret: "wrong" };
      const form = new FormData();
      for (const [name, value] of Object.entries(wrong)) form.append(name, value);
      const answers = [
        await fetch(url(), { method: "POST", body: form }),
        await fetch(url(), { method: "POST", body: new URLSearchParams(wrong) }),
        await fetch(`${url()}?${new URLSearchParams(wrong).toString()}`, { method: "POST" }),
      ];
      for (const answer of answers) {
        expect(answer.status).to.equal(401);
        expect(await answer.json()).to.include({ error: "invalid_client" });
      }
      const broken = await fetch(url(), {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=xyz" },
        body: "not multipart",
      });
      expect(broken.status).to.equal(400);
      expect(await broken.json()).to.include({ error: "invalid_request" });
    },
  );
});
