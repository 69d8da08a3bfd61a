/**
 * Runs a plan from the diff engine against ISC: one call per operation, each followed by its wait
 * (a task, or polling the account for PATCH, which answers without a task id). A failure names what
 * was already applied and what was not, so nothing is ever half-applied silently.
 */
import {
  disableAccount,
  enableAccount,
  patchAccount,
  putAccount,
  reloadAccount,
  unlockAccount,
  waitForTask,
  type IscClient,
} from "../../client";
import type { Account } from "../../client/types";
import type { AccountOperation, PatchCorrelationOperation } from "../../engine/account-plan";
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
      `${label}: "${step}" failed: ${messageOf(cause)}` +
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

async function waitForCorrelation(ctx: ApplyContext, op: PatchCorrelationOperation): Promise<void> {
  const { expect } = op.wait;
  const result = await pollUntil(
    () => ctx.readAccount(op.params.id),
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

async function execute(ctx: ApplyContext, op: AccountOperation): Promise<void> {
  const id = op.params.id;
  switch (op.kind) {
    case "put-attributes":
      return waitTask(ctx, await putAccount(ctx.client, id, op.body));
    case "patch-correlation":
      await patchAccount(ctx.client, id, op.body);
      return waitForCorrelation(ctx, op);
    case "enable":
      return waitTask(ctx, await enableAccount(ctx.client, id, op.body));
    case "disable":
      return waitTask(ctx, await disableAccount(ctx.client, id, op.body));
    case "unlock":
      return waitTask(ctx, await unlockAccount(ctx.client, id, op.body));
  }
}

/** A step of an apply: a planned operation, or a reload requested through `reloadTrigger`. */
export type ApplyStep = AccountOperation | { kind: "reload"; params: { id: string }; description: string };

export async function applySteps(ctx: ApplyContext, steps: readonly ApplyStep[]): Promise<void> {
  const applied: string[] = [];
  for (const [index, step] of steps.entries()) {
    try {
      if (step.kind === "reload") await waitTask(ctx, await reloadAccount(ctx.client, step.params.id));
      else await execute(ctx, step);
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
