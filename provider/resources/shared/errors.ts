/**
 * An error the Pulumi dynamic-provider plugin turns into "resource created/updated but not fully
 * initialised": because it carries `id` and `properties`, the engine records the resource in state
 * with those outputs, so the next `pulumi up` converges it instead of creating a duplicate.
 */
export class PartiallyAppliedError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  /**
   * `inputs` are the resource's inputs as the plugin passed them: their `__provider` is copied into
   * the recorded outputs, because the plugin adds it to successful results only and a recorded
   * resource without it could be neither refreshed nor destroyed.
   */
  constructor(message: string, id: string, properties: object, inputs: Readonly<Record<string, unknown>>) {
    super(message);
    this.name = "PartiallyAppliedError";
    this.id = id;
    this.properties = { ...properties };
    if (typeof inputs.__provider === "string") this.properties.__provider = inputs.__provider;
    this.reasons = [message];
  }
}

/** The message of any thrown value (client errors are already free of secrets). */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
