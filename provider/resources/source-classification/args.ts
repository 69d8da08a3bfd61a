import type * as pulumi from "@pulumi/pulumi";

/** Inputs of a `SourceClassification` (see README "Source-level jobs"). */
export interface SourceClassificationArgs {
  /** The source whose accounts are classified. Changing it replaces the resource (a run on the new source). */
  sourceId: pulumi.Input<string>;
  /** Any string; when it changes, classification runs again (e.g. the csvSha256 of an UncorrelatedAccountsLoad). */
  trigger?: pulumi.Input<string>;
  /**
   * Fail the wait after this many seconds (default 1800); the run keeps going in ISC and the next `pulumi up` waits for
   * it.
   */
  timeoutSeconds?: pulumi.Input<number>;
  /** First status poll interval in milliseconds (default 2000; backs off to 5000). */
  pollIntervalMs?: pulumi.Input<number>;
}
