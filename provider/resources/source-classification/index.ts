import * as pulumi from "@pulumi/pulumi";
import { serializableProvider } from "../shared/serializable-provider";
import type { SourceClassificationArgs } from "./args";
import type { ClassificationCounts } from "./status";

export type { SourceClassificationArgs } from "./args";
export type { ClassificationOutputs } from "./outputs";
export type { ClassificationCounts } from "./status";

/** The SourceClassification provider, as Pulumi serializes it: a shim that loads ./provider at run time. */
export const sourceClassificationProvider: pulumi.dynamic.ResourceProvider = serializableProvider(
  "pulumi-isc-accounts/dist/provider/resources/source-classification/provider.js",
);

/**
 * Runs machine-account classification of a source's accounts (experimental v2025 API) and waits until
 * it is COMPLETED. It runs at create and again when `trigger` changes. Deleting the resource cancels
 * a classification that is still running on the source, and does nothing otherwise.
 */
export class SourceClassification extends pulumi.dynamic.Resource {
  public readonly sourceId!: pulumi.Output<string>;
  /** COMPLETED after a successful run. */
  public readonly status!: pulumi.Output<string>;
  public readonly counts!: pulumi.Output<ClassificationCounts>;
  /** When ISC started the run (ISO 8601). */
  public readonly started!: pulumi.Output<string | null>;
  /** Accounts submitted for processing, as the start request reported. */
  public readonly submitted!: pulumi.Output<number | null>;
  public readonly trigger!: pulumi.Output<string | undefined>;

  constructor(name: string, args: SourceClassificationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      sourceClassificationProvider,
      name,
      { status: undefined, counts: undefined, started: undefined, submitted: undefined, ...args },
      opts,
      "isc",
      "SourceClassification",
    );
  }
}
