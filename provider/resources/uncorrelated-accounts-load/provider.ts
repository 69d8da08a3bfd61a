/**
 * The UncorrelatedAccountsLoad provider's implementation, loaded inside the Pulumi dynamic-provider
 * plugin by the serialized shim in ./index.ts. It shares the plugin's one ISC client (runtime.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import { TaskFailedError, TaskTimeoutError, loadUncorrelatedAccounts, waitForTask } from "../../client";
import { messageOf } from "../shared/errors";
import { configureFromStack, hasConnectionSettings, iscClient, sourceWithSchema } from "../shared/runtime";
import { checkCsv, checkLoadInputs } from "./check";
import { diffLoad } from "./diff";
import { loadRunOptionsFrom, readLoadCsv } from "./inputs";
import { loadTaskCounts, type LoadOutputs } from "./outputs";
import { withStoredCredentialsHint } from "../shared/credentials-hint";

type Raw = Record<string, unknown>;

async function identityAttributeOf(sourceId: string): Promise<string | undefined> {
  const { source, schema } = await sourceWithSchema(sourceId);
  if (!source) throw new Error(`source ${sourceId} does not exist in this tenant (check sourceId)`);
  return schema?.identityAttribute;
}

/** Re-reads the CSV, makes sure it is what check hashed, validates it, uploads it and waits for the task. */
async function runLoad(inputs: Raw): Promise<LoadOutputs> {
  const sourceId = String(inputs.sourceId);
  const csv = readLoadCsv(inputs);
  if (typeof inputs.csvSha256 === "string" && inputs.csvSha256 !== csv.sha256) {
    throw new Error(
      `${csv.label} changed after it was checked (sha256 ${inputs.csvSha256} then, ${csv.sha256} now); ` +
        `nothing was loaded. Run "pulumi up" again to load the current file.`,
    );
  }
  const { failures, dataRows } = checkCsv(csv, await identityAttributeOf(sourceId));
  if (failures.length > 0) {
    throw new Error(
      `the CSV cannot be loaded into source ${sourceId}; nothing was uploaded:\n  ` +
        `${failures.map((f) => f.reason).join("\n  ")}`,
    );
  }

  const client = iscClient();
  const run = loadRunOptionsFrom(inputs);
  const what = `loading ${csv.label} into source ${sourceId}`;
  const submitted = await loadUncorrelatedAccounts(client, sourceId, csv.bytes, csv.fileName).catch((err: unknown) => {
    throw new Error(`${what} failed: ${messageOf(err)}`);
  });
  const taskId = submitted.task?.id;
  if (submitted.success === false || !taskId) {
    throw new Error(
      `${what} failed: ISC answered ` +
        `success=${String(submitted.success)}${taskId ? ` (task ${taskId})` : " without a task id"}`,
    );
  }
  try {
    const { task, warnings } = await waitForTask(client, taskId, {
      timeoutMs: run.taskTimeoutMs,
      pollIntervalMs: run.pollIntervalMs,
    });
    return {
      sourceId,
      csvSha256: csv.sha256,
      taskId,
      completionStatus: task.completionStatus ?? "SUCCESS",
      counts: loadTaskCounts(task),
      rows: dataRows,
      completed: task.completed ?? new Date().toISOString(),
      warnings,
    };
  } catch (err) {
    // TaskFailedError and TaskTimeoutError already quote the task id and the task's messages.
    const hint =
      err instanceof TaskFailedError
        ? ' Fix the CSV or the source and run "pulumi up" again.'
        : err instanceof TaskTimeoutError
          ? ' The load may still finish in ISC; the next "pulumi up" uploads the CSV again.'
          : "";
    throw new Error(`${what} failed: ${messageOf(err)}.${hint}`);
  }
}

export const provider: pulumi.dynamic.ResourceProvider = withStoredCredentialsHint({
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configureFromStack(req.config);
  },

  async check(_olds: Raw, news: Raw): Promise<pulumi.dynamic.CheckResult> {
    // Offline previews (no settings) cannot see the schema; create checks the identity column again.
    return checkLoadInputs(news, hasConnectionSettings() ? { identityAttributeOf } : {});
  },

  async diff(_id: string, olds: Raw, news: Raw): Promise<pulumi.dynamic.DiffResult> {
    return diffLoad(olds, news);
  },

  async create(inputs: Raw): Promise<pulumi.dynamic.CreateResult> {
    const outs = await runLoad(inputs);
    return { id: outs.taskId, outs };
  },

  /**
   * A load is an event, not a tenant object: there is nothing to read back, so the recorded outputs stay as they are.
   */
  async read(id: string, props: Raw): Promise<pulumi.dynamic.ReadResult> {
    return { id, props };
  },

  async update(_id: string, _olds: Raw, news: Raw): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: await runLoad(news) };
  },

  /**
   * Does nothing to the tenant: ISC cannot undo a load, so the accounts it brought in stay on the
   * source. Deleting the resource only drops the record of the load from the stack. (The plugin's
   * output is not shown to the user, so this is documented instead of logged.)
   */
  async delete(): Promise<void> {},
});
