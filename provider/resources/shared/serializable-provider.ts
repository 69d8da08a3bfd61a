import type * as pulumi from "@pulumi/pulumi";

/**
 * Builds the provider object that Pulumi serializes into state (`__provider`) for every resource.
 *
 * Pulumi's closure serializer captures local modules BY VALUE, so a provider that referenced the
 * implementation directly would drag the whole client into every resource's state. This object
 * captures only a module specifier: each call loads the implementation with `require`, resolved
 * from the plugin's working directory (the Pulumi program's directory), where the package is
 * installed (or, in this repository, found by package self-reference through `exports`).
 * Nothing captured here may hold live objects or secrets.
 */
export function serializableProvider(specifier: string): pulumi.dynamic.ResourceProvider {
  const load = (): pulumi.dynamic.ResourceProvider => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createRequire } = require("node:module") as typeof import("node:module");
    const base = `${process.cwd()}/__pulumi_isc_accounts__.js`;
    try {
      return (createRequire(base)(specifier) as { provider: pulumi.dynamic.ResourceProvider }).provider;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "MODULE_NOT_FOUND" && String((err as Error).message).includes(specifier)) {
        throw new Error(
          `pulumi-isc-accounts cannot be loaded from the Pulumi program's directory (${process.cwd()}): ` +
            `install it there with "npm install pulumi-isc-accounts" (looked for ${specifier})`,
        );
      }
      throw err;
    }
  };
  return {
    configure: (req) => load().configure!(req),
    check: (olds, news) => load().check!(olds, news),
    diff: (id, olds, news) => load().diff!(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read!(id, props),
    update: (id, olds, news) => load().update!(id, olds, news),
    delete: (id, props) => load().delete!(id, props),
  };
}
