/**
 * The Account provider's implementation. It runs inside the Pulumi dynamic-provider plugin, loaded
 * by the tiny serialized shim in ./index.ts; one instance serves every Account of the stack, sharing
 * one ISC client (token cache, rate limiter, coalesced reads and task polls).
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  AmbiguousCreateError,
  TaskFailedError,
  accountReaderFor,
  createAccount,
  deleteAccount,
  listAccountEntitlements,
  waitForTask,
  type IscClient,
} from "../../client";
import type { Account, AccountAttributesCreate, SourceSchema } from "../../client/types";
import { planAccountChanges, reloadOperation, replacementFor, type DesiredAccount } from "../../engine/account-plan";
import { PartiallyAppliedError, messageOf } from "../shared/errors";
import { pollUntil } from "../shared/poll";
import { configureFromStack, hasConnectionSettings, iscClient, sourceWithSchema } from "../shared/runtime";
import { containsUnknown, isUnknown } from "../shared/unknown";
import { applySteps, PlanStepError, type ApplyContext, type ApplyStep } from "./apply";
import {
  desiredAccountFrom,
  runOptionsFrom,
  validateAccountInputs,
  validateAgainstSchema,
  type AccountRunOptions,
  type CheckFailure,
} from "./inputs";
import { ECHOED_SETTINGS, accountOutputs, currentFromAccount, currentFromOutputs, type AccountOutputs } from "./outputs";
import { withStoredCredentialsHint } from "../shared/credentials-hint";

type Raw = Record<string, unknown>;

/** Accounts this process deleted: ISC may still list them for a moment, they must not be adopted. */
const recentlyDeleted = new Set<string>();

/** How long to look for a newly created account (ISC lists it a moment after the task ends). */
const VISIBILITY_TIMEOUT_MS = 60_000;

function label(desired: { nativeIdentity: string; sourceId: string }, accountId?: string): string {
  return `account "${desired.nativeIdentity}"${accountId ? ` (id ${accountId})` : ""} on source ${desired.sourceId}`;
}

function settingsOf(inputs: Raw): Raw {
  const settings: Raw = {};
  for (const key of ECHOED_SETTINGS) settings[key] = inputs[key];
  return settings;
}

function managedNames(inputs: Raw): string[] {
  const attributes = inputs.attributes;
  return attributes && typeof attributes === "object" ? Object.keys(attributes) : [];
}

/** The source's schema, or a clear error when the source is missing or not a flat file. */
async function flatFileSchema(sourceId: string): Promise<SourceSchema | undefined> {
  const { source, schema } = await sourceWithSchema(sourceId);
  if (!source) throw new Error(`source ${sourceId} does not exist in this tenant (check sourceId)`);
  if (source.type && source.type !== "DelimitedFile") {
    throw new Error(`source ${sourceId} ("${source.name}") is of type ${source.type}; only flat-file (DelimitedFile) sources are supported`);
  }
  return schema;
}

/** Desired state with the identity attribute filled from nativeIdentity (API bodies only). */
async function desiredForApi(inputs: Raw): Promise<DesiredAccount> {
  const desired = desiredAccountFrom(inputs);
  const schema = await flatFileSchema(desired.sourceId);
  if (schema) {
    const { failures, attributes } = validateAgainstSchema(inputs, schema, desired.sourceId);
    if (failures.length > 0) throw new Error(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
    if (attributes) desired.attributes = attributes as DesiredAccount["attributes"];
  }
  return desired;
}

function applyContext(client: IscClient, run: AccountRunOptions, text: string): ApplyContext {
  const reader = accountReaderFor(client);
  return { client, readAccount: (id) => reader.getById(id), run, label: text, warnings: [] };
}

async function outputsFor(client: IscClient, account: Account, inputs: Raw): Promise<AccountOutputs> {
  const entitlements = inputs.includeEntitlements === true ? await listAccountEntitlements(client, account.id) : undefined;
  return accountOutputs(account, managedNames(inputs), settingsOf(inputs), entitlements);
}

/** Reads the account after writes, giving ISC a moment to show them; returns the freshest state. */
async function settledAccount(ctx: ApplyContext, id: string, desired: DesiredAccount): Promise<Account> {
  const { value } = await pollUntil(
    () => ctx.readAccount(id),
    (a) => a !== undefined && planAccountChanges(desired, currentFromAccount(a)).length === 0,
    { timeoutMs: Math.min(ctx.run.taskTimeoutMs, 10_000), initialDelayMs: ctx.run.pollIntervalMs },
  );
  if (!value) throw new Error(`${ctx.label} disappeared while it was being updated`);
  return value;
}

function reloadRequested(olds: Raw, news: Raw): boolean {
  return news.reloadTrigger !== undefined && JSON.stringify(olds.reloadTrigger ?? null) !== JSON.stringify(news.reloadTrigger);
}

async function findOnSource(client: IscClient, sourceId: string, nativeIdentity: string): Promise<Account | undefined> {
  return accountReaderFor(client).findByNativeIdentity(sourceId, nativeIdentity);
}

/** Waits until an account that was just created (or whose create outcome is unknown) is listed. */
async function awaitVisible(client: IscClient, desired: DesiredAccount, run: AccountRunOptions): Promise<Account | undefined> {
  const { value, satisfied } = await pollUntil(
    () => findOnSource(client, desired.sourceId, desired.nativeIdentity),
    (a) => a !== undefined && !recentlyDeleted.has(a.id),
    { timeoutMs: Math.min(run.taskTimeoutMs, VISIBILITY_TIMEOUT_MS), initialDelayMs: Math.min(run.pollIntervalMs, 250) },
  );
  return satisfied ? value : undefined;
}

/** An existing account with this nativeIdentity, ignoring one this process just deleted. */
async function existingAccount(client: IscClient, desired: DesiredAccount, run: AccountRunOptions): Promise<Account | undefined> {
  const reader = accountReaderFor(client);
  const { value } = await pollUntil(
    () => reader.findExisting(desired.sourceId, desired.nativeIdentity),
    (a) => a === undefined || !recentlyDeleted.has(a.id),
    { timeoutMs: Math.min(run.taskTimeoutMs, VISIBILITY_TIMEOUT_MS), initialDelayMs: Math.min(run.pollIntervalMs, 250) },
  );
  return value && !recentlyDeleted.has(value.id) ? value : undefined;
}

function createBody(desired: DesiredAccount): AccountAttributesCreate {
  const attributes: AccountAttributesCreate["attributes"] = { sourceId: desired.sourceId };
  for (const [name, value] of Object.entries(desired.attributes)) {
    if (value !== null) attributes[name] = value;
  }
  return { attributes };
}

/** POST /v3/accounts and wait; returns the new account, found by sourceId + nativeIdentity. */
async function createOnTenant(client: IscClient, desired: DesiredAccount, run: AccountRunOptions): Promise<Account> {
  const what = label(desired);
  let taskId: string | undefined;
  try {
    accountReaderFor(client).forget(undefined, desired.sourceId);
    taskId = await createAccount(client, createBody(desired));
    await waitForTask(client, taskId, { timeoutMs: run.taskTimeoutMs, pollIntervalMs: run.pollIntervalMs });
  } catch (err) {
    // The outcome may be unknown (a 5xx or reset after the POST was sent) or the task may have failed
    // after writing; look before saying anything, never POST again blindly.
    const maybe = await findOnSource(client, desired.sourceId, desired.nativeIdentity).catch(() => undefined);
    if (maybe && !recentlyDeleted.has(maybe.id)) return maybe;
    if (err instanceof AmbiguousCreateError) {
      const late = await awaitVisible(client, desired, run);
      if (late) return late;
      throw new Error(
        `${what}: the create request's outcome is unknown (${err.message}) and the account is not visible. ` +
          `If it appears later, set adopt: true to take it over; otherwise run "pulumi up" again.`,
      );
    }
    const nothing = err instanceof TaskFailedError ? " Nothing was created." : "";
    throw new Error(`${what}: create failed: ${messageOf(err)}.${nothing}`);
  }
  const created = await awaitVisible(client, desired, run);
  if (!created) {
    throw new Error(
      `${what}: create task ${taskId} succeeded but the account is not listed after ` +
        `${Math.round(Math.min(run.taskTimeoutMs, VISIBILITY_TIMEOUT_MS) / 1000)} s. ` +
        `Once it is visible, set adopt: true to take it over (a plain retry would report it as existing).`,
    );
  }
  return created;
}

export const provider: pulumi.dynamic.ResourceProvider = withStoredCredentialsHint({
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configureFromStack(req.config);
  },

  async check(_olds: Raw, news: Raw): Promise<pulumi.dynamic.CheckResult> {
    const failures: CheckFailure[] = validateAccountInputs(news);
    const inputs: Raw = { ...news };
    delete inputs.__provider;
    // Schema checks need the tenant; offline previews (no settings) skip them, create repeats them.
    if (failures.length === 0 && !isUnknown(news.sourceId) && hasConnectionSettings()) {
      const sourceId = String(news.sourceId);
      try {
        const schema = await flatFileSchema(sourceId);
        if (schema) failures.push(...validateAgainstSchema(news, schema, sourceId).failures);
      } catch (err) {
        failures.push({ property: "sourceId", reason: messageOf(err) });
      }
    }
    return { inputs, failures };
  },

  async diff(_id: string, olds: Raw, news: Raw): Promise<pulumi.dynamic.DiffResult> {
    const unknownKeys = ["sourceId", "nativeIdentity"].filter((k) => isUnknown(news[k]));
    const { replaces, deleteBeforeReplace } = replacementFor(
      { sourceId: String(olds.sourceId), nativeIdentity: String(olds.nativeIdentity) },
      { sourceId: String(news.sourceId), nativeIdentity: String(news.nativeIdentity) },
    );
    const allReplaces = [...new Set([...replaces, ...unknownKeys])];
    if (allReplaces.length > 0) return { changes: true, replaces: allReplaces, deleteBeforeReplace };
    if (containsUnknown(news)) return { changes: true };

    const plan = planAccountChanges(desiredAccountFrom(news), currentFromOutputs(olds));
    const managedChanged = managedNames(news).sort().join("\0") !== managedNames(olds).sort().join("\0");
    const settingsChanged = ECHOED_SETTINGS.some((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
    return { changes: plan.length > 0 || managedChanged || settingsChanged };
  },

  async create(inputs: Raw): Promise<pulumi.dynamic.CreateResult> {
    const run = runOptionsFrom(inputs);
    const client = iscClient();
    const desired = await desiredForApi(inputs);

    let account: Account | undefined;
    try {
      account = await existingAccount(client, desired, run);
    } catch (err) {
      throw new Error(`${label(desired)}: could not look for an existing account, nothing was created: ${messageOf(err)}`);
    }
    if (account && !run.adopt) {
      throw new Error(
        `${label(desired, account.id)} already exists (name "${account.name ?? account.nativeIdentity}"). ` +
          `To manage it with Pulumi, set adopt: true on this Account; Pulumi's import does not work for dynamic resources.`,
      );
    }
    if (!account) account = await createOnTenant(client, desired, run);
    accountReaderFor(client).forget(account.id);

    const ctx = applyContext(client, run, label(desired, account.id));
    try {
      const steps = planAccountChanges(desired, currentFromAccount(account));
      await applySteps(ctx, steps);
      // The account was just looked up: read it again only when something was changed since.
      const settled = steps.length > 0 ? await settledAccount(ctx, account.id, desired) : account;
      return { id: account.id, outs: await outputsFor(client, settled, inputs) };
    } catch (err) {
      // The account exists: hand Pulumi its id and last known state so the next up converges it.
      const latest = (await ctx.readAccount(account.id).catch(() => undefined)) ?? account;
      throw new PartiallyAppliedError(messageOf(err), account.id, accountOutputs(latest, managedNames(inputs), settingsOf(inputs)), inputs);
    }
  },

  async read(id: string, props: Raw): Promise<pulumi.dynamic.ReadResult> {
    const client = iscClient();
    const reader = accountReaderFor(client);
    // Refresh reads every account of the stack: answer from read-ahead pages of its source when it has one.
    const account = typeof props.sourceId === "string" && props.sourceId !== "" ? await reader.getForRefresh(id, props.sourceId) : await reader.getById(id);
    if (!account || recentlyDeleted.has(account.id)) return { id: "", props: {} };
    return { id, props: await outputsFor(client, account, props) };
  },

  async update(id: string, olds: Raw, news: Raw): Promise<pulumi.dynamic.UpdateResult> {
    const run = runOptionsFrom(news);
    const client = iscClient();
    const desired = await desiredForApi(news);
    const ctx = applyContext(client, run, label(desired, id));
    accountReaderFor(client).forget(id);
    const account = await ctx.readAccount(id);
    if (!account) {
      throw new Error(
        `${ctx.label} no longer exists: it was deleted outside Pulumi. Run "pulumi refresh" to drop it from state, then "pulumi up" to create it again.`,
      );
    }
    const steps: ApplyStep[] = planAccountChanges(desired, currentFromAccount(account));
    if (reloadRequested(olds, news)) steps.push(reloadOperation(id));
    try {
      await applySteps(ctx, steps);
    } catch (err) {
      const latest = (await ctx.readAccount(id).catch(() => undefined)) ?? account;
      const message = err instanceof PlanStepError ? err.message : `${ctx.label}: ${messageOf(err)}`;
      throw new PartiallyAppliedError(message, id, accountOutputs(latest, managedNames(news), settingsOf(olds)), news);
    }
    const settled = steps.length > 0 ? await settledAccount(ctx, id, desired) : account;
    return { outs: await outputsFor(client, settled, news) };
  },

  async delete(id: string, props: Raw): Promise<void> {
    const run = runOptionsFrom(props);
    const client = iscClient();
    const what = label({ nativeIdentity: String(props.nativeIdentity), sourceId: String(props.sourceId) }, id);
    accountReaderFor(client).forget(id, typeof props.sourceId === "string" ? props.sourceId : undefined);
    try {
      const taskId = await deleteAccount(client, id);
      if (taskId === undefined) return; // 404: already gone
      await waitForTask(client, taskId, { timeoutMs: run.taskTimeoutMs, pollIntervalMs: run.pollIntervalMs });
    } catch (err) {
      throw new Error(`${what}: delete failed: ${messageOf(err)}`);
    }
    recentlyDeleted.add(id);
  },
});
