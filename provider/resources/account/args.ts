import type * as pulumi from "@pulumi/pulumi";

/** Inputs of an `Account` (see README "Account resource"). */
export interface AccountArgs {
  /** The flat-file (DelimitedFile) source id. Changing it replaces the account. */
  sourceId: pulumi.Input<string>;
  /** The account's id on the source (value of the schema's identity attribute). Changing it replaces the account (old one deleted first). */
  nativeIdentity: pulumi.Input<string>;
  /** Managed attributes: name -> value (string) or values (string[]); null removes the attribute. Undeclared attributes are left alone. */
  attributes?: pulumi.Input<Record<string, pulumi.Input<string | string[] | null>>>;
  /** Identity to correlate to. Omitted: correlation not managed. null: uncorrelate. */
  identityId?: pulumi.Input<string | null>;
  manuallyCorrelated?: pulumi.Input<boolean>;
  /** Desired enabled state (default true). */
  enabled?: pulumi.Input<boolean>;
  /** When true and the account is found locked, unlock it. */
  unlock?: pulumi.Input<boolean>;
  /** Passed to enable/disable/unlock. */
  forceProvisioning?: pulumi.Input<boolean>;
  /** Passed to enable/disable/unlock. */
  externalVerificationId?: pulumi.Input<string>;
  /** At create, take over an existing account with this nativeIdentity instead of failing (default false). */
  adopt?: pulumi.Input<boolean>;
  /** Fail a task wait after this many seconds (default 600). */
  taskTimeoutSeconds?: pulumi.Input<number>;
  /** First task-status poll interval in milliseconds (default 500; backs off to 5000). */
  pollIntervalMs?: pulumi.Input<number>;
  /** Any value; when it changes, the account is reloaded from its source (POST .../reload). */
  reloadTrigger?: pulumi.Input<string>;
  /** Also read the account's entitlements into the `entitlements` output (one extra call per account per refresh). */
  includeEntitlements?: pulumi.Input<boolean>;
}
