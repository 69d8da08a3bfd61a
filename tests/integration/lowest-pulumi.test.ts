/**
 * The provider under the LOWEST @pulumi/pulumi the peer dependency allows, as well as the current one: the CLI
 * runs the dynamic-provider plugin of the program's own @pulumi/pulumi, and `configure()` (how the stack config
 * reaches the provider) exists only from 3.139. A whole lifecycle with connection settings from stack config only.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { resolveDynamicProviderPlugin } from "../../harness/plugin";
import { DEMO_IDS } from "../../simulator/seed";
import { REPO_ROOT, startAccountStack, type AccountStack } from "../support/account-stack";
import { ensurePulumiInstall, lowestSupportedPulumiVersion, programDirWith } from "../support/pulumi-versions";

describe("Account under the lowest supported @pulumi/pulumi", function () {
  this.timeout(300_000);
  const version = lowestSupportedPulumiVersion(REPO_ROOT);
  let program: { dir: string; remove(): void } | undefined;
  let stack: AccountStack;

  before(async function () {
    program = programDirWith(ensurePulumiInstall(version), REPO_ROOT);
    stack = await startAccountStack({}, 4, program.dir);
  });
  after(async () => {
    await stack?.stop();
    program?.remove();
  });

  it(`runs the plugin of the program's @pulumi/pulumi (${version}), not this repository's`, function () {
    const pluginPath = resolveDynamicProviderPlugin(program!.dir);
    const manifest = path.join(pluginPath, "..", "..", "..", "package.json");
    expect((JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version).to.equal(version);
  });

  it("creates, refreshes, updates and destroys with the settings from stack config only", async function () {
    const inputs = {
      sourceId: DEMO_IDS.hrSource,
      nativeIdentity: "lowest.1",
      attributes: { displayName: "Lowest", email: "lowest@example.com" },
    };
    const created = await stack.engine.up([stack.account("lowest", inputs)]);
    expect(created.errors).to.deep.equal([]);
    const [account] = stack.engine.state();
    expect(stack.sim.admin.listAccounts(DEMO_IDS.hrSource).filter((a) => a.id === account.id)).to.have.length(1);

    await stack.nextCommand();
    const refreshed = await stack.engine.refresh();
    expect(refreshed.errors).to.deep.equal([]);
    expect(refreshed.steps.map((s) => s.op)).to.deep.equal(["same"]);

    await stack.nextCommand();
    const updated = await stack.engine.up([
      stack.account("lowest", { ...inputs, attributes: { ...inputs.attributes, email: "changed@example.com" } }),
    ]);
    expect(updated.errors).to.deep.equal([]);
    expect(updated.steps.map((s) => s.op)).to.deep.equal(["update"]);

    await stack.nextCommand();
    expect((await stack.engine.destroy()).errors).to.deep.equal([]);
    expect(stack.sim.admin.listAccounts(DEMO_IDS.hrSource).filter((a) => a.id === account.id)).to.deep.equal([]);
  });
});
