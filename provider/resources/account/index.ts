import * as pulumi from "@pulumi/pulumi";
import { checkMapKey, checkText, type CheckFailure } from "../shared/input-checks";
import type { AccountArgs } from "./args";
// The shim module is `export =` the provider object (its text is what Pulumi stores), so import-equals.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import accountProviderShim = require("./shim");
import type { EntitlementSummary } from "./outputs";

export type { AccountArgs } from "./args";
export type { AccountOutputs, EntitlementSummary } from "./outputs";

/** The Account resource's provider, as Pulumi serializes it: a shim that loads ./provider at run time (see ./shim). */
export const accountProvider: pulumi.dynamic.ResourceProvider = accountProviderShim;

/** One account on a flat-file (DelimitedFile) source, with its attributes, correlation and enabled state. */
export class Account extends pulumi.dynamic.Resource {
  /** The ISC account id (also the resource id). */
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly sourceId: pulumi.Output<string>;
  declare public readonly sourceName: pulumi.Output<string | null>;
  declare public readonly nativeIdentity: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string | null>;
  /** Current values of the managed attributes. */
  declare public readonly attributes: pulumi.Output<Record<string, string | string[] | null>>;
  declare public readonly identityId: pulumi.Output<string | null>;
  declare public readonly manuallyCorrelated: pulumi.Output<boolean>;
  declare public readonly uncorrelated: pulumi.Output<boolean>;
  declare public readonly enabled: pulumi.Output<boolean>;
  declare public readonly disabled: pulumi.Output<boolean>;
  declare public readonly locked: pulumi.Output<boolean>;
  declare public readonly hasEntitlements: pulumi.Output<boolean>;
  declare public readonly origin: pulumi.Output<string | null>;
  declare public readonly created: pulumi.Output<string | null>;
  /** Present when `includeEntitlements` is true. */
  declare public readonly entitlements: pulumi.Output<EntitlementSummary[] | undefined>;

  constructor(name: string, args: AccountArgs, opts?: pulumi.CustomResourceOptions) {
    refuseUnserializableKeys(name, args);
    super(
      accountProvider,
      name,
      {
        accountId: undefined,
        sourceName: undefined,
        name: undefined,
        uncorrelated: undefined,
        disabled: undefined,
        locked: undefined,
        hasEntitlements: undefined,
        origin: undefined,
        created: undefined,
        entitlements: undefined,
        identityId: undefined,
        manuallyCorrelated: undefined,
        enabled: undefined,
        attributes: undefined,
        ...args,
      },
      opts,
      "isc",
      "Account",
    );
  }
}

/**
 * What Pulumi cannot carry to the provider intact, refused here where it still exists: it serializes
 * inputs by assignment (`obj[key] = value`), so an attribute named `__proto__` would vanish, and its
 * Protocol Buffers drop lone UTF-16 surrogates, so "E1\uD800001" would reach check as "E1001".
 * Values inside Outputs cannot be seen here; check judges them as they arrive.
 */
function refuseUnserializableKeys(name: string, args: AccountArgs): void {
  const plain = (value: unknown): value is object =>
    value !== null && typeof value === "object" && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
  const texts = (property: string, value: unknown): CheckFailure[] =>
    typeof value === "string"
      ? checkText(property, value)
      : Array.isArray(value)
        ? value.flatMap((v) => texts(property, v))
        : [];
  const failures = texts("nativeIdentity", args.nativeIdentity);
  const attributes: unknown = args.attributes;
  if (plain(attributes)) {
    for (const [key, value] of Object.entries(attributes))
      failures.push(...checkMapKey("attributes", key), ...texts(`attributes.${key}`, value));
  }
  if (failures.length > 0) throw new Error(`Account ${name}: ${failures.map((f) => f.reason).join("; ")}`);
}
