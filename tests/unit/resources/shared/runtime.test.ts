import { expect } from "chai";
import type * as pulumi from "@pulumi/pulumi";
import { configureFromStack, iscClient, resetProviderRuntime } from "../../../../provider/resources/shared/runtime";

function stackConfig(values: Record<string, string>): pulumi.dynamic.Config {
  return {
    get: (key) => values[key],
    require: (key) => {
      const value = values[key];
      if (value === undefined) throw new Error(`missing ${key}`);
      return value;
    },
  };
}

const settings = {
  "isc:baseUrl": "https://acme.api.identitynow.com",
  "isc:clientId": "id-1",
  "isc:clientSecret": "first-secret",
};

describe("provider runtime: configure() once per provider text, one client per process", function () {
  beforeEach(() => resetProviderRuntime());
  after(() => resetProviderRuntime());

  it("keeps the same client when another provider text configures with the same settings", function () {
    configureFromStack(stackConfig(settings));
    const client = iscClient();
    // The plugin configures Account, UncorrelatedAccountsLoad and SourceClassification separately, while
    // resources of the first may be in flight: the client, its token cache and its batching must survive.
    configureFromStack(stackConfig({ ...settings }));
    expect(iscClient()).to.equal(client);
  });

  it("refuses different settings in the same process, naming the keys and never the values", function () {
    configureFromStack(stackConfig(settings));
    const client = iscClient();
    let failure: unknown;
    try {
      configureFromStack(
        stackConfig({ ...settings, "isc:clientSecret": "second-secret", "isc:requestsPerWindow": "50" }),
      );
    } catch (error) {
      failure = error;
    }
    expect(String(failure))
      .to.contain("already configured in this process with other settings")
      .and.contain("isc:clientSecret");
    expect(String(failure)).not.to.contain("second-secret").and.not.to.contain("first-secret");
    expect(iscClient()).to.equal(client);
  });
});
