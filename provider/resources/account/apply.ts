/**
 * Runs a plan from the diff engine against ISC, generically: each operation names its route, body,
 * content type and wait, and this module calls that route and waits as it says (a task, or polling
 * the account for PATCH, which answers without a task id). A failure names what was already applied
 * and what was not, so nothing is ever half-applied silently.
 */
import {
  mayHaveBeenApplied,
  TaskFailedError,
  taskIdOf,
  waitForTask,
  type IscClient,
  type IscResponse,
} from "../../client";
import { resolveRoute } from "../../client/routes";
import type { Account, AccountsAsyncResult } from "../../client/types";
import type { AccountOperation, OperationWait } from "../../engine/account-plan";
import { messageOf } from "../shared/errors";
import { pollUntil } from "../shared/poll";
import type { AccountRunOptions } from "./inputs";

export interface ApplyContext {
  client: IscClient;
  /** Fresh read of the account (coalesced in the plugin process). */
  readAccount: (id: string) => Promise<Account | undefined>;
  run: AccountRunOptions;
  /** For messages: "account jdoe (id ...) on source ...". */
  label: string;
  /** Warnings reported by tasks that ended WARNING. */
  warnings: string[];
}

/**
 * A step's request may have been applied, but its effect was not seen: ISC accepted it and its wait timed out
 * or could not be followed, or it ended with a 5xx or a dropped connection once retries ran out.
 */
class NotConfirmedError extends Error {
  constructor(cause: unknown) {
    super(messageOf(cause), { cause });
    this.name = "NotConfirmedError";
  }
}

/** A failed step, with what had been done before it and what was left. */
export class PlanStepError extends Error {
  constructor(
    readonly step: string,
    readonly applied: string[],
    readonly notApplied: string[],
    cause: unknown,
    label: string,
  ) {
    super(
      `${label}: "${step}" ${cause instanceof NotConfirmedError ? "was sent but not confirmed" : "failed"}: ` +
        `${messageOf(cause)}` +
        `. Already applied: ${applied.length ? applied.join("; ") : "nothing"}` +
        `. Not applied: ${notApplied.length ? notApplied.join("; ") : "nothing"}` +
        `. Run "pulumi up" again to converge.`,
    );
    this.name = "PlanStepError";
  }
}

async function waitTask(ctx: ApplyContext, taskId: string): Promise<void> {
  const { warnings } = await waitForTask(ctx.client, taskId, {
    timeoutMs: ctx.run.taskTimeoutMs,
    pollIntervalMs: ctx.run.pollIntervalMs,
  });
  ctx.warnings.push(...warnings);
}

type AccountWait = Extract<OperationWait, { kind: "account" }>;

async function waitForAccount(ctx: ApplyContext, id: string, { expect }: AccountWait): Promise<void> {
  const result = await pollUntil(
    () => ctx.readAccount(id),
    (a) =>
      a !== undefined &&
      (a.identityId ?? null) === expect.identityId &&
      (expect.manuallyCorrelated === undefined || a.manuallyCorrelated === expect.manuallyCorrelated),
    { timeoutMs: ctx.run.taskTimeoutMs, initialDelayMs: ctx.run.pollIntervalMs },
  );
  if (!result.satisfied) {
    const a = result.value;
    throw new Error(
      `the PATCH was accepted but after ${Math.round(ctx.run.taskTimeoutMs / 1000)} s the account still shows ` +
        `identityId ${JSON.stringify(a?.identityId ?? null)}, manuallyCorrelated ${String(a?.manuallyCorrelated)}`,
    );
  }
}

/** Calls the operation's route and waits as the operation says. */
async function execute(ctx: ApplyContext, op: AccountOperation): Promise<void> {
  let response: IscResponse<AccountsAsyncResult>;
  try {
    response = await ctx.client.request<AccountsAsyncResult>(op.route, {
      params: op.params,
      body: op.body,
      contentType: op.contentType,
    });
  } catch (err) {
    // A 5xx or a dropped connection may come after ISC applied the request; a 4xx, a 429, a refused connection
    // or a failing token request not.
    throw mayHaveBeenApplied(err, resolveRoute(op.route, op.params, ctx.client.generation))
      ? new NotConfirmedError(err)
      : err;
  }
  try {
    if (op.wait.kind === "task") await waitTask(ctx, taskIdOf(response, op.route));
    else await waitForAccount(ctx, op.params.id, op.wait);
  } catch (err) {
    // A task that ended in failure said so; anything else leaves a sent request whose effect is unknown.
    throw err instanceof TaskFailedError ? err : new NotConfirmedError(err);
  }
}

/** A step of an apply: a planned operation (a reload requested through `reloadTrigger` is one too). */
export type ApplyStep = AccountOperation;

export async function applySteps(ctx: ApplyContext, steps: readonly ApplyStep[]): Promise<void> {
  const applied: string[] = [];
  for (const [index, step] of steps.entries()) {
    try {
      await execute(ctx, step);
    } catch (err) {
      throw new PlanStepError(
        step.description,
        applied,
        steps.slice(index + 1).map((s) => s.description),
        err,
        ctx.label,
      );
    }
    applied.push(step.description);
  }
}
