/**
 * Rotating the client secret, under the engine's real rule: refresh and destroy configure the provider from the
 * stack config saved by the last `up` (secrets encrypted in state), so they keep sending the old secret until an
 * `up`. The 401 they meet says so and how to use the current credentials.
 */
import { expect } from "chai";
import { demoSeed, DEMO_IDS } from "../../simulator";
import { withAccountStack, type AccountStack } from "../support/account-stack";

describe("Account: rotating isc:clientSecret", function () {
  this.timeout(60_000);
  let stack: AccountStack;
  withAccountStack((s) => (stack = s));

  it(
    "refresh keeps the secret of the last up and its 401 explains why; after an up, refresh uses the " + "new secret",
    async () => {
      const [client] = stack.sim.clients;
      const created = await stack.engine.up([
        stack.account("rotating", { sourceId: DEMO_IDS.hrSource, nativeIdentity: "rotating.1" }),
      ]);
      expect(created.errors).to.deep.equal([]);

      // The secret is rotated in ISC (the simulator is reseeded: the account is gone too) and in stack config.
      const rotated = { ...client, clientSecret: "rotated-client-secret" };
      stack.sim.admin.seed({ ...demoSeed(), clients: [rotated] });
      stack.engine.setConfig({
        "isc:baseUrl": stack.sim.url,
        "isc:clientId": rotated.clientId,
        "isc:clientSecret": rotated.clientSecret,
      });

      await stack.nextCommand();
      const stale = await stack.engine.refresh();
      expect(stale.errors).to.have.length(1);
      expect(stale.errors[0].message)
        .to.contain("401")
        .and.contain("saved by the last `pulumi up`")
        .and.contain("--run-program");
      expect(stale.errors[0].message).not.to.contain(client.clientSecret).and.not.to.contain(rotated.clientSecret);

      await stack.nextCommand();
      expect(
        (
          await stack.engine.up([
            stack.account("rotating", { sourceId: DEMO_IDS.hrSource, nativeIdentity: "rotating.1" }),
          ])
        ).errors,
      ).to.deep.equal([]);
      await stack.nextCommand();
      const fresh = await stack.engine.refresh();
      expect(fresh.errors).to.deep.equal([]);
      expect(
        fresh.steps.map((s) => s.op),
        "the reseed removed the account",
      ).to.deep.equal(["delete"]);
    },
  );
});
