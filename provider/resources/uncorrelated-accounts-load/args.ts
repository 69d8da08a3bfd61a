import type * as pulumi from "@pulumi/pulumi";

/**
 * Inputs of an `UncorrelatedAccountsLoad` (see README "Source-level jobs"). Give exactly one of csvPath or csvContent.
 */
export interface UncorrelatedAccountsLoadArgs {
  /** The source to load into. Changing it runs the load on the new source (a replacement). */
  sourceId: pulumi.Input<string>;
  /**
   * A CSV file, relative to the Pulumi program's directory. Only its hash is kept in state; editing the file runs a new
   * load.
   */
  csvPath?: pulumi.Input<string>;
  /** The CSV text itself (kept in state as an input). */
  csvContent?: pulumi.Input<string>;
  /** Fail the wait for the load task after this many seconds (default 1800). */
  taskTimeoutSeconds?: pulumi.Input<number>;
  /** First task-status poll interval in milliseconds (default 1000; backs off to 5000). */
  pollIntervalMs?: pulumi.Input<number>;
}
