/**
 * The SourceClassification provider's implementation, loaded inside the Pulumi dynamic-provider
 * plugin by the serialized shim in ./index.ts. Every call to the classify endpoints goes through the
 * client's route table, which adds `X-SailPoint-Experimental: true`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { cancelClassification, getClassification, startClassification } from "../../client";
import type { SourceClassificationStatus } from "../../client/types";
import { PartiallyAppliedError, messageOf } from "../shared/errors";
import { configureFromStack, hasConnectionSettings, iscClient, sourceWithSchema } from "../shared/runtime";
import { isUnknown } from "../shared/unknown";
import { diffClassification } from "./diff";
import { classificationRunOptionsFrom, validateClassificationInputs } from "./inputs";
import { classificationOutputs, type ClassificationOutputs } from "./outputs";
import { describeStatus, isRunning } from "./status";
import { ClassificationTimeoutError, watchClassification } from "./watch";
import { withStoredCredentialsHint } from "../shared/credentials-hint";

type Raw = Record<string, unknown>;

/**
 * Progress on stderr, which the Pulumi CLI prints as info diagnostics for a dynamic provider (pulumi/pulumi
 * sdk/go/common/resource/plugin/plugin.go `runtrace`); final counts are in the outputs.
 */
function reportProgress(sourceId: string): (status: SourceClassificationStatus) => void {
  return (status) => process.stderr.write(`isc: classification of source ${sourceId}: ${describeStatus(status)}\n`);
}

/** A run this resource started earlier whose wait timed out, as recorded in its outputs. */
interface UnfinishedRun {
  started: string;
  submitted: number | null;
}

function unfinishedRun(olds: Raw, news: Raw): UnfinishedRun | undefined {
  const sameTrigger = (olds.trigger ?? null) === (news.trigger ?? null);
  if (!sameTrigger || olds.status === "COMPLETED" || typeof olds.started !== "string") return undefined;
  return { started: olds.started, submitted: typeof olds.submitted === "number" ? olds.submitted : null };
}

/**
 * Runs classification on the source and waits for it. An unfinished earlier run of this resource
 * that ISC still shows (running, or completed since) is taken up instead of starting anew.
 */
async function classify(inputs: Raw, unfinished?: UnfinishedRun): Promise<ClassificationOutputs> {
  const sourceId = String(inputs.sourceId);
  const run = classificationRunOptionsFrom(inputs);
  const client = iscClient();
  const read = () => getClassification(client, sourceId);

  const before = await read();
  // An earlier run that is still going, or that finished well after its wait timed out, is this run.
  const resuming =
    unfinished !== undefined &&
    before?.started === unfinished.started &&
    (isRunning(before) || before.status === "COMPLETED");
  let submitted = resuming ? unfinished.submitted : null;
  if (!resuming) {
    const answer = await startClassification(client, sourceId).catch((err: unknown) => {
      throw new Error(`starting classification of source ${sourceId} failed: ${messageOf(err)}`);
    });
    submitted = answer["Accounts submitted for processing"] ?? null;
  }
  try {
    const final = await watchClassification(sourceId, read, {
      timeoutMs: run.timeoutMs,
      pollIntervalMs: run.pollIntervalMs,
      previousStarted: resuming ? undefined : before?.started,
      onProgress: reportProgress(sourceId),
    });
    return classificationOutputs(sourceId, final, submitted, inputs.trigger);
  } catch (err) {
    if (err instanceof ClassificationTimeoutError) {
      // The run goes on in ISC: record it, so the next "pulumi up" waits for it and "pulumi destroy" cancels it.
      throw new PartiallyAppliedError(
        `${err.message}. It may still be running in ISC: the next "pulumi up" waits for it, "pulumi destroy" ` +
          `cancels it.`,
        sourceId,
        classificationOutputs(sourceId, err.last, submitted, inputs.trigger),
        inputs,
      );
    }
    throw err;
  }
}

export const provider: pulumi.dynamic.ResourceProvider = withStoredCredentialsHint({
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configureFromStack(req.config);
  },

  async check(_olds: Raw, news: Raw): Promise<pulumi.dynamic.CheckResult> {
    const failures = validateClassificationInputs(news);
    const inputs: Raw = { ...news };
    delete inputs.__provider;
    // Offline previews (no settings) skip the existence check; create would fail on a missing source anyway.
    if (failures.length === 0 && !isUnknown(news.sourceId) && hasConnectionSettings()) {
      const sourceId = String(news.sourceId);
      try {
        const { source } = await sourceWithSchema(sourceId);
        if (!source)
          failures.push({
            property: "sourceId",
            reason: `source ${sourceId} does not exist in this tenant (check sourceId)`,
          });
      } catch (err) {
        failures.push({ property: "sourceId", reason: messageOf(err) });
      }
    }
    return { inputs, failures };
  },

  async diff(_id: string, olds: Raw, news: Raw): Promise<pulumi.dynamic.DiffResult> {
    return diffClassification(olds, news);
  },

  async create(inputs: Raw): Promise<pulumi.dynamic.CreateResult> {
    const outs = await classify(inputs);
    return { id: outs.sourceId, outs };
  },

  /** A run is an event: refresh keeps the recorded outputs (ISC only keeps the latest run's status per source). */
  async read(id: string, props: Raw): Promise<pulumi.dynamic.ReadResult> {
    return { id, props };
  },

  async update(_id: string, olds: Raw, news: Raw): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: await classify(news, unfinishedRun(olds, news)) };
  },

  /** Cancels the source's classification if one is running (DELETE .../classify); otherwise nothing to undo. */
  async delete(_id: string, props: Raw): Promise<void> {
    const sourceId = String(props.sourceId);
    const client = iscClient();
    const current = await getClassification(client, sourceId);
    if (!isRunning(current)) return;
    try {
      await cancelClassification(client, sourceId);
    } catch (err) {
      // It may have ended between the GET and the DELETE: then there is nothing left to cancel.
      if (!isRunning(await getClassification(client, sourceId).catch(() => current))) return;
      throw new Error(`cancelling the running classification of source ${sourceId} failed: ${messageOf(err)}`);
    }
  },
});
