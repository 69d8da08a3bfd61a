import { expect } from "chai";
import { ConfigurationError } from "../../../provider/client/errors";
import { resolveConnectionSettings, type SettingHint } from "../../../provider/client/settings";

const full = { baseUrl: "https://acme.api.identitynow.com", clientId: "id-1", clientSecret: "s3cr3t-VALUE" };

function errorOf(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigurationError);
    return err as ConfigurationError;
  }
  throw new Error("expected a ConfigurationError");
}

describe("client settings", () => {
  it("prefers explicit values and falls back to SAIL_* environment variables", () => {
    const env = {
      SAIL_BASE_URL: "https://env.api.identitynow.com",
      SAIL_CLIENT_ID: "env-id",
      SAIL_CLIENT_SECRET: "env-secret",
    };
    expect(resolveConnectionSettings({ clientId: "explicit-id" }, env)).to.deep.include({
      baseUrl: "https://env.api.identitynow.com",
      clientId: "explicit-id",
      clientSecret: "env-secret",
    });
  });

  it("records where each setting was read from, in the caller's words for explicit values", () => {
    const env = { SAIL_BASE_URL: "https://env.api.identitynow.com", SAIL_CLIENT_SECRET: "env-secret" };
    const settings = resolveConnectionSettings(
      { clientId: "explicit-id" },
      env,
      undefined,
      (s) => `stack config "isc:${s}"`,
    );
    expect(settings.origins).to.deep.equal({
      baseUrl: "environment variable SAIL_BASE_URL",
      clientId: 'stack config "isc:clientId"',
      clientSecret: "environment variable SAIL_CLIENT_SECRET",
    });
  });

  it("refuses a base URL with a path (e.g. /v3) and shows the expected form", () => {
    for (const url of [
      "https://acme.api.identitynow.com/v3",
      "https://acme.api.identitynow.com/v3/",
      "https://acme.api.identitynow.com/api/v2025",
    ]) {
      const err = errorOf(() => resolveConnectionSettings({ ...full, baseUrl: url }, {}));
      expect(err.message)
        .to.contain('"baseUrl"')
        .and.contain("must not contain a path")
        .and.contain("https://{tenant}.api.identitynow.com");
    }
  });

  it("names the missing setting and where to set it", () => {
    const err = errorOf(() => resolveConnectionSettings({ baseUrl: full.baseUrl, clientId: "x" }, {}));
    expect(err.message).to.equal('Missing ISC setting "clientSecret" (set SAIL_CLIENT_SECRET)');
  });

  it("lets the caller say where settings live (Pulumi config, CLI flags)", () => {
    const pulumiHint: SettingHint = (setting, envVar) => `set isc:${setting} or ${envVar}`;
    const err = errorOf(() => resolveConnectionSettings({ baseUrl: full.baseUrl, clientSecret: "x" }, {}, pulumiHint));
    expect(err.message).to.equal('Missing ISC setting "clientId" (set isc:clientId or SAIL_CLIENT_ID)');
  });

  it("treats blank values as missing", () => {
    const err = errorOf(() => resolveConnectionSettings({ ...full, baseUrl: "  " }, {}));
    expect(err.message).to.contain('"baseUrl"').and.to.contain("SAIL_BASE_URL");
  });

  it("strips trailing slashes from the base URL", () => {
    expect(resolveConnectionSettings({ ...full, baseUrl: "https://acme.api.identitynow.com/" }, {}).baseUrl).to.equal(
      "https://acme.api.identitynow.com",
    );
  });

  it("refuses plain http to non-loopback hosts and allows it to loopback", () => {
    const err = errorOf(() => resolveConnectionSettings({ ...full, baseUrl: "http://acme.api.identitynow.com" }, {}));
    expect(err.message).to.contain('"baseUrl"').and.to.contain("https");
    for (const url of ["http://localhost:8080", "http://127.0.0.1:1", "http://127.9.8.7", "http://[::1]:3000"]) {
      expect(resolveConnectionSettings({ ...full, baseUrl: url }, {}).baseUrl).to.equal(url);
    }
    expect(() => resolveConnectionSettings({ ...full, baseUrl: "http://128.0.0.1" }, {})).to.throw(ConfigurationError);
    expect(() => resolveConnectionSettings({ ...full, baseUrl: "http://localhost.evil.com" }, {})).to.throw(
      ConfigurationError,
    );
  });

  it("refuses relative URLs, other protocols, queries, fragments and user info", () => {
    for (const url of [
      "acme.api.identitynow.com",
      "ftp://acme.com",
      "https://acme.com?x=1",
      "https://acme.com/#frag",
    ]) {
      expect(errorOf(() => resolveConnectionSettings({ ...full, baseUrl: url }, {})).message).to.contain('"baseUrl"');
    }
    const err = errorOf(() => resolveConnectionSettings({ ...full, baseUrl: "https://me:hunter2-pass@acme.com" }, {}));
    expect(err.message).to.contain("user info").and.not.to.contain("hunter2-pass");
  });

  it("never echoes the secret in a settings error", () => {
    const err = errorOf(() => resolveConnectionSettings({ ...full, clientSecret: "s3cr3t-VALUE\u0001" }, {}));
    expect(err.message).to.contain('"clientSecret"').and.not.to.contain("s3cr3t-VALUE");
  });
});
