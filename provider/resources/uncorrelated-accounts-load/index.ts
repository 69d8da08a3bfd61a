import * as pulumi from "@pulumi/pulumi";
import { serializableProvider } from "../shared/serializable-provider";
import type { UncorrelatedAccountsLoadArgs } from "./args";

export type { UncorrelatedAccountsLoadArgs } from "./args";
export type { LoadOutputs } from "./outputs";

/** The UncorrelatedAccountsLoad provider, as Pulumi serializes it: a shim that loads ./provider at run time. */
export const uncorrelatedAccountsLoadProvider: pulumi.dynamic.ResourceProvider = serializableProvider(
  "pulumi-isc-accounts/dist/provider/resources/uncorrelated-accounts-load/provider.js",
);

/**
 * Loads a CSV of accounts into a source as uncorrelated accounts (POST
 * /v2025/sources/{id}/load-uncorrelated-accounts) and waits for ISC's task. The load runs at create
 * and again whenever the CSV's content changes. It is an event, not an object: refresh keeps the
 * recorded outputs, and deleting the resource leaves the loaded accounts in the tenant.
 */
export class UncorrelatedAccountsLoad extends pulumi.dynamic.Resource {
  public readonly sourceId!: pulumi.Output<string>;
  /** sha256 (hex) of the loaded CSV. */
  public readonly csvSha256!: pulumi.Output<string>;
  /** The ISC task of the last load. */
  public readonly taskId!: pulumi.Output<string>;
  public readonly completionStatus!: pulumi.Output<string>;
  /** Numeric results the task reported, by task attribute name. */
  public readonly counts!: pulumi.Output<Record<string, number>>;
  /** Account rows uploaded. */
  public readonly rows!: pulumi.Output<number>;
  /** When the load task finished (ISO 8601). */
  public readonly completed!: pulumi.Output<string>;
  public readonly warnings!: pulumi.Output<string[]>;

  constructor(name: string, args: UncorrelatedAccountsLoadArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      uncorrelatedAccountsLoadProvider,
      name,
      {
        csvSha256: undefined,
        taskId: undefined,
        completionStatus: undefined,
        counts: undefined,
        rows: undefined,
        completed: undefined,
        warnings: undefined,
        ...args,
      },
      opts,
      "isc",
      "UncorrelatedAccountsLoad",
    );
  }
}
