/**
 * accountEntitlements() in a program without connection settings: a clear error at the call, not an
 * unhandled rejection from inside an Output (which under mocks is a raw stack trace and a crash).
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { accountEntitlements } from "../../../provider";
import { SETTING_ENV_VARS } from "../../../provider/client/settings";

describe("accountEntitlements() without connection settings", () => {
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    for (const name of Object.values(SETTING_ENV_VARS)) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
      "p",
      "s",
      false,
    );
  });
  after(() => {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  });

  it("throws a RunError at the call that names the missing setting and where to set it", () => {
    let thrown: unknown;
    try {
      accountEntitlements("2c9180857df6aa8f017e1a4fb1e20a5b");
    } catch (err) {
      thrown = err;
    }
    expect(pulumi.RunError.isInstance(thrown), "a RunError: Pulumi prints its message without a stack trace").to.equal(
      true,
    );
    const message = (thrown as Error).message;
    expect(message).to.match(/^accountEntitlements: /);
    expect(message).to.contain('"isc:baseUrl"').and.contain("SAIL_BASE_URL");
  });
});
