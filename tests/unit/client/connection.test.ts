import { expect } from "chai";
import { IscNetworkError } from "../../../provider/client/errors";
import { createIscClient } from "../../../provider/client/request";
import { DEFAULT_RETRY_POLICY } from "../../../provider/client/retry";
import { resolveConnectionSettings } from "../../../provider/client/settings";
import { FakeIsc, TEST_CLIENT_ID, TEST_SECRET } from "./fixtures/fake-isc";

const fastRetry = { rateLimit: false as const, retry: { minDelayMs: 1, maxDelayMs: 2 } };

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail("expected the request to fail"),
    (e: unknown) => e,
  );
}

describe("client connection failures", () => {
  it("ECONNREFUSED fails after 3 attempts (not 8) with the baseUrl hint naming where it was read from", async () => {
    const stopped = await FakeIsc.start();
    await stopped.stop();
    const settings = resolveConnectionSettings(
      {},
      { SAIL_BASE_URL: stopped.url, SAIL_CLIENT_ID: TEST_CLIENT_ID, SAIL_CLIENT_SECRET: TEST_SECRET },
    );
    const lines: string[] = [];
    const client = createIscClient(settings, { ...fastRetry, logger: (l) => lines.push(l) });
    const err = await failure(client.request("getSource", { params: { id: "s1" } }));
    expect(err).to.be.instanceOf(IscNetworkError);
    expect(err).to.include({ code: "ECONNREFUSED", connectFailure: "refused" });
    expect((err as Error).message)
      .to.contain(`Nothing answered at ${stopped.url}`)
      .and.contain(
        "check the base URL (read from environment variable SAIL_BASE_URL; expected https://{tenant}.api.identitynow.com)",
      )
      .and.contain("that the tenant is reachable");
    expect(lines.filter((l) => l.startsWith("ISC POST /oauth/token failed"))).to.have.length(
      DEFAULT_RETRY_POLICY.connectAttempts,
    );
    expect(DEFAULT_RETRY_POLICY.connectAttempts).to.equal(3);
  });

  it("the default policy's backoff before giving up on a refused connection stays within seconds", () => {
    // p-retry's delay before retry n (1-based) is at most min(maxTimeout, 2 * minTimeout * 2^(n-1)) with randomize.
    const { minDelayMs, maxDelayMs, connectAttempts } = DEFAULT_RETRY_POLICY;
    let worstCaseMs = 0;
    for (let n = 1; n < connectAttempts; n++) worstCaseMs += Math.min(maxDelayMs, 2 * minDelayMs * 2 ** (n - 1));
    expect(worstCaseMs).to.be.at.most(5_000);
  });

  it("https:// to a plain-http server says the server does not speak TLS at this URL, at once", async () => {
    const plain = await FakeIsc.start();
    try {
      const baseUrl = plain.url.replace("http://", "https://");
      const settings = resolveConnectionSettings(
        { baseUrl },
        { SAIL_CLIENT_ID: TEST_CLIENT_ID, SAIL_CLIENT_SECRET: TEST_SECRET },
        undefined,
        () => 'stack config "isc:baseUrl"',
      );
      const err = await failure(createIscClient(settings, fastRetry).request("getSource", { params: { id: "s1" } }));
      expect(err).to.be.instanceOf(IscNetworkError);
      const message = (err as Error).message;
      expect(message)
        .to.contain("the server does not speak TLS at this URL")
        .and.contain('read from stack config "isc:baseUrl"');
      expect(message).not.to.match(/wrong version number|ssl3_get_record/);
      expect(plain.tokenRequests).to.have.length(0);
    } finally {
      await plain.stop();
    }
  });

  it("names an unknown host as a DNS failure with the base URL to check, without retrying", () => {
    const err = new IscNetworkError(
      "POST",
      "/oauth/token",
      "ENOTFOUND",
      "getaddrinfo ENOTFOUND acme.api.identitynow.co",
      {
        baseUrl: "https://acme.api.identitynow.co",
        baseUrlOrigin: "environment variable SAIL_BASE_URL",
      },
    );
    expect(err.message).to.contain("The host acme.api.identitynow.co was not found").and.contain("SAIL_BASE_URL");
    expect(err.connectFailure).to.equal("dns");
  });
});
