/**
 * The Account provider's implementation. It runs inside the Pulumi dynamic-provider plugin, loaded
 * by the tiny serialized shim in ./index.ts; one instance serves every Account of the stack, sharing
 * one ISC client (token cache, rate limiter, coalesced reads and task polls).
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  AmbiguousCreateError,
  TaskFailedError,
  TaskTimeoutError,
  TaskIdMissingError,
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
import { NO_MATCHES, type NativeMatches } from "./account-match";
import { accountReaderFor } from "./account-reader";
import type { PendingCreate } from "./created-lookups";
import { applySteps, PlanStepError, type ApplyContext, type ApplyStep } from "./apply";
import { decideOnExisting } from "./existing-account";
import {
  desiredAccountFrom,
  runOptionsFrom,
  validateAccountInputs,
  validateAgainstSchema,
  type AccountRunOptions,
  type CheckFailure,
} from "./inputs";
import {
  ECHOED_SETTINGS,
  accountOutputs,
  currentFromAccount,
  currentFromOutputs,
  type AccountOutputs,
} from "./outputs";
import { withStoredCredentialsHint } from "../shared/credentials-hint";

type Raw = Record<string, unknown>;

/** Accounts this process deleted: ISC may still list them for a moment, they must not be adopted. */
const recentlyDeleted = new Set<string>();
/**
 * Accounts this process created or took over: a second resource declaring one of them is refused, and a delete
 * of one (the old self of a renamed resource) is not sent.
 */
const claimedHere = new Set<string>();
/**
 * Creates in flight by source + lowercased nativeIdentity, with the name as declared and when it ends: two
 * resources of one run must never both POST one account.
 */
const creatingHere = new Map<string, { nativeIdentity: string; done: Promise<void> }>();

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
    throw new Error(
      `source ${sourceId} ("${source.name}") is of type ${source.type}; ` +
        `only flat-file (DelimitedFile) sources are supported`,
    );
  }
  return schema;
}

/**
 * Desired state with the identity attribute filled from nativeIdentity (API bodies only), and that
 * attribute's name.
 */
async function desiredForApi(inputs: Raw): Promise<{ desired: DesiredAccount; identityAttribute?: string }> {
  const desired = desiredAccountFrom(inputs);
  const schema = await flatFileSchema(desired.sourceId);
  if (schema) {
    const { failures, attributes } = validateAgainstSchema(inputs, schema, desired.sourceId);
    if (failures.length > 0) throw new Error(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
    if (attributes) desired.attributes = attributes as DesiredAccount["attributes"];
  }
  return { desired, identityAttribute: schema?.identityAttribute ?? undefined };
}

function applyContext(client: IscClient, run: AccountRunOptions, text: string): ApplyContext {
  const reader = accountReaderFor(client);
  // Reads around writes gather for one poll interval: tasks and Diffs set the pace anyway.
  return { client, readAccount: (id) => reader.getById(id, run.pollIntervalMs), run, label: text, warnings: [] };
}

async function outputsFor(client: IscClient, account: Account, inputs: Raw): Promise<AccountOutputs> {
  const entitlements =
    inputs.includeEntitlements === true ? await listAccountEntitlements(client, account.id) : undefined;
  return accountOutputs(account, managedNames(inputs), settingsOf(inputs), entitlements);
}

/**
 * Reads the account after writes whose tasks have finished: at once (other updates' reads, gathering
 * before their writes, ride along in its list call), then, only if the writes do not show yet,
 * polling to give ISC a moment; returns the freshest state.
 */
async function settledAccount(ctx: ApplyContext, id: string, desired: DesiredAccount): Promise<Account> {
  const shows = (a: Account | undefined): a is Account =>
    a !== undefined && planAccountChanges(desired, currentFromAccount(a)).length === 0;
  const now = await accountReaderFor(ctx.client).getByIdNow(id, ctx.run.pollIntervalMs);
  if (shows(now)) return now;
  const { value } = await pollUntil(() => ctx.readAccount(id), shows, {
    timeoutMs: Math.min(ctx.run.taskTimeoutMs, 10_000),
    initialDelayMs: ctx.run.pollIntervalMs,
  });
  if (!value) throw new Error(`${ctx.label} disappeared while it was being updated`);
  return value;
}

function reloadRequested(olds: Raw, news: Raw): boolean {
  return (
    news.reloadTrigger !== undefined &&
    JSON.stringify(olds.reloadTrigger ?? null) !== JSON.stringify(news.reloadTrigger)
  );
}

/** The matches, without accounts this process deleted (ISC may list them for a moment). */
function withoutDeleted(matches: NativeMatches): NativeMatches {
  const live = (accounts: Account[]) => accounts.filter((a) => !recentlyDeleted.has(a.id));
  return { exact: live(matches.exact), otherCase: live(matches.otherCase) };
}

/** The one account spelled exactly as declared, if there is exactly one. */
function onlyExact(matches: NativeMatches): Account | undefined {
  return matches.exact.length === 1 ? matches.exact[0] : undefined;
}

async function findOnSource(client: IscClient, desired: DesiredAccount): Promise<NativeMatches> {
  return withoutDeleted(await accountReaderFor(client).findByNativeIdentity(desired.sourceId, desired.nativeIdentity));
}

/**
 * Waits until an account that was just created (or whose create outcome is unknown) is listed; throws
 * when lookups fail.
 */
async function awaitVisible(
  desired: DesiredAccount,
  run: AccountRunOptions,
  pending: PendingCreate,
): Promise<NativeMatches> {
  const { value } = await pollUntil(
    async () => withoutDeleted(await pending.find(desired.nativeIdentity)),
    (matches) => matches.exact.length > 0,
    {
      timeoutMs: Math.min(run.taskTimeoutMs, VISIBILITY_TIMEOUT_MS),
      initialDelayMs: Math.min(run.pollIntervalMs, 250),
    },
  );
  return value;
}

/** Accounts with this nativeIdentity, ignoring ones this process just deleted. */
async function existingAccounts(
  client: IscClient,
  desired: DesiredAccount,
  run: AccountRunOptions,
): Promise<NativeMatches> {
  const reader = accountReaderFor(client);
  const { value } = await pollUntil(
    () => reader.findExisting(desired.sourceId, desired.nativeIdentity),
    (m) => [...m.exact, ...m.otherCase].every((a) => !recentlyDeleted.has(a.id)),
    {
      timeoutMs: Math.min(run.taskTimeoutMs, VISIBILITY_TIMEOUT_MS),
      initialDelayMs: Math.min(run.pollIntervalMs, 250),
    },
  );
  return withoutDeleted(value);
}

function createBody(desired: DesiredAccount): AccountAttributesCreate {
  const attributes: AccountAttributesCreate["attributes"] = { sourceId: desired.sourceId };
  for (const [name, value] of Object.entries(desired.attributes)) {
    if (value !== null) attributes[name] = value;
  }
  return { attributes };
}

/** What the next `up` does with an account whose create may have been applied (README "When something fails"). */
const NEXT_UP =
  'The next "pulumi up" looks for it first: if it exists exactly as declared it is adopted (no duplicate), ' +
  "if it differs the run stops and names it, and if it is absent it is created.";

/** An error for a failure after a creating POST may have reached ISC: the account may exist without being in state. */
function mayHaveBeenCreated(desired: DesiredAccount, what: string, outcome: string): Error {
  return new Error(
    `${label(desired)}: ${what}, so the create may have been applied on ISC, but ${outcome}. ${NEXT_UP}`,
  );
}

/**
 * After the create was sent: the account, found by exact sourceId + nativeIdentity, or an error that
 * says it may exist.
 */
async function findCreated(
  desired: DesiredAccount,
  run: AccountRunOptions,
  what: string,
  pending: PendingCreate,
): Promise<Account> {
  let matches: NativeMatches;
  try {
    matches = await awaitVisible(desired, run, pending);
  } catch (err) {
    throw mayHaveBeenCreated(desired, what, `looking it up failed: ${messageOf(err)}`);
  }
  const found = onlyExact(matches);
  if (found) return found;
  if (matches.exact.length > 1) {
    throw new Error(
      `${label(desired)}: after the create the source holds ${matches.exact.length} accounts ` +
        `with this nativeIdentity ` +
        `(ids ${matches.exact.map((a) => a.id).join(", ")}): something else created it at the same time. ` +
        `Remove the duplicate in ISC, then run "pulumi up" again (it takes over the one left if it is as declared).`,
    );
  }
  const waited = Math.round(Math.min(run.taskTimeoutMs, VISIBILITY_TIMEOUT_MS) / 1000);
  throw mayHaveBeenCreated(desired, what, `it is not listed after ${waited} s`);
}

/** POST /v3/accounts and wait; returns the new account, found by exact sourceId + nativeIdentity. */
async function createOnTenant(client: IscClient, desired: DesiredAccount, run: AccountRunOptions): Promise<Account> {
  const reader = accountReaderFor(client);
  // Tasks of creates sent together end within about one poll of each other: their lookups wait that
  // long for each other.
  const pending = reader.created.expect(desired.sourceId, run.pollIntervalMs);
  try {
    return await postAndFind(client, desired, run, pending);
  } finally {
    pending.release();
  }
}

async function postAndFind(
  client: IscClient,
  desired: DesiredAccount,
  run: AccountRunOptions,
  pending: PendingCreate,
): Promise<Account> {
  const what = label(desired);
  let taskId: string;
  try {
    taskId = await createAccount(client, createBody(desired));
  } catch (err) {
    // Never POST again blindly: an outcome-unknown create is looked up.
    if (err instanceof AmbiguousCreateError)
      return findCreated(desired, run, `the create request's outcome is unknown (${err.causeSummary})`, pending);
    if (err instanceof TaskIdMissingError) {
      return findCreated(desired, run, `ISC accepted the create (${err.status}) but named no task`, pending);
    }
    throw new Error(`${what}: create failed, nothing was created: ${messageOf(err)}`);
  }
  try {
    await waitForTask(client, taskId, { timeoutMs: run.taskTimeoutMs, pollIntervalMs: run.pollIntervalMs });
  } catch (err) {
    if (err instanceof TaskFailedError) {
      // A failed task may still have written: look once before saying nothing was created.
      const maybe = onlyExact(await findOnSource(client, desired).catch(() => NO_MATCHES));
      if (maybe) return maybe;
      throw new Error(`${what}: create failed: ${err.message}. Nothing was created.`);
    }
    if (err instanceof TaskTimeoutError) {
      const late = onlyExact(await findOnSource(client, desired).catch(() => NO_MATCHES));
      if (late) return late;
      throw mayHaveBeenCreated(
        desired,
        `ISC accepted the create (task ${taskId})`,
        `the task did not finish within ${Math.round(run.taskTimeoutMs / 1000)} s (taskTimeoutSeconds) ` +
          `and the account may still appear`,
      );
    }
    // The tenant went away (or answers errors) while the task ran: a lookup would fail the same way.
    throw mayHaveBeenCreated(
      desired,
      `ISC accepted the create (task ${taskId})`,
      `following its task failed: ${messageOf(err)}`,
    );
  }
  return findCreated(desired, run, `create task ${taskId} succeeded`, pending);
}

/**
 * Runs `create` unless another resource of this run is creating the same account right now. A create of a name
 * that differs only in case waits for the other to end, then checks as usual: on a tenant that matches without
 * case the two POSTs would merge, and after the wait the check sees the other account (a case variant: refused,
 * existing-account.ts) or, where both exist on a case-sensitive tenant, takes over its own exact match.
 */
async function exclusively<T>(desired: DesiredAccount, create: () => Promise<T>): Promise<T> {
  const key = `${desired.sourceId}\u0000${desired.nativeIdentity.toLowerCase()}`;
  for (let other = creatingHere.get(key); other; other = creatingHere.get(key)) {
    if (other.nativeIdentity === desired.nativeIdentity) {
      throw new Error(
        `${label(desired)} is being created by another Account resource of this stack: declare each account once. ` +
          `Nothing was sent for this one.`,
      );
    }
    await other.done;
  }
  let end = () => {};
  const done = new Promise<void>((resolve) => (end = resolve));
  creatingHere.set(key, { nativeIdentity: desired.nativeIdentity, done });
  try {
    return await create();
  } finally {
    creatingHere.delete(key);
    end();
  }
}

export const provider: pulumi.dynamic.ResourceProvider = withStoredCredentialsHint({
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configureFromStack(req.config);
  },

  async check(olds: Raw, news: Raw): Promise<pulumi.dynamic.CheckResult> {
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
      // No old inputs: Pulumi is about to create it. Its absence is looked up ahead, with others'.
      if (failures.length === 0 && Object.keys(olds).length === 0 && !isUnknown(news.nativeIdentity))
        accountReaderFor(iscClient()).expectCreate(sourceId, String(news.nativeIdentity));
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
    const settingsChanged = ECHOED_SETTINGS.some(
      (k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null),
    );
    return { changes: plan.length > 0 || managedChanged || settingsChanged };
  },

  async create(inputs: Raw): Promise<pulumi.dynamic.CreateResult> {
    const run = runOptionsFrom(inputs);
    const client = iscClient();
    const { desired, identityAttribute } = await desiredForApi(inputs);

    const account = await exclusively(desired, async () => {
      let matches: NativeMatches;
      try {
        matches = await existingAccounts(client, desired, run);
      } catch (err) {
        throw new Error(
          `${label(desired)}: could not look for an existing account, nothing was created: ${messageOf(err)}`,
        );
      }
      const decision = decideOnExisting(matches, desired, {
        adopt: run.adopt,
        identityAttribute,
        label: label(desired),
        claimedInThisRun: (id) => claimedHere.has(id),
      });
      if (decision.kind === "refuse") throw new Error(decision.message);
      const taken = decision.kind === "adopt" ? decision.account : await createOnTenant(client, desired, run);
      // ISC's create is an upsert: a POST for an account another resource of this run holds lands on it.
      if (claimedHere.has(taken.id)) {
        throw new Error(
          `${label(desired, taken.id)}: the create found an account another Account resource of this stack ` +
            `manages (ISC's create updates an existing account), so it was not taken over: declare each account once.`,
        );
      }
      claimedHere.add(taken.id);
      return taken;
    });
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
      throw new PartiallyAppliedError(
        messageOf(err),
        account.id,
        accountOutputs(latest, managedNames(inputs), settingsOf(inputs)),
        inputs,
      );
    }
  },

  async read(id: string, props: Raw): Promise<pulumi.dynamic.ReadResult> {
    const client = iscClient();
    const reader = accountReaderFor(client);
    // Refresh reads every account of the stack: answer from read-ahead pages of its source when it has one.
    const account =
      typeof props.sourceId === "string" && props.sourceId !== ""
        ? await reader.getForRefresh(id, props.sourceId)
        : await reader.getById(id);
    if (!account || recentlyDeleted.has(account.id)) return { id: "", props: {} };
    return { id, props: await outputsFor(client, account, props) };
  },

  async update(id: string, olds: Raw, news: Raw): Promise<pulumi.dynamic.UpdateResult> {
    const run = runOptionsFrom(news);
    const client = iscClient();
    const { desired } = await desiredForApi(news);
    const ctx = applyContext(client, run, label(desired, id));
    accountReaderFor(client).forget(id);
    const account = await ctx.readAccount(id);
    if (!account) {
      throw new Error(
        `${ctx.label} no longer exists: it was deleted outside Pulumi. ` +
          `Run "pulumi refresh" to drop it from state, then "pulumi up" to create it again.`,
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
    const what = label({ nativeIdentity: String(props.nativeIdentity), sourceId: String(props.sourceId) }, id);
    // Pulumi creates a renamed resource (or a replacement) before it deletes the old one: when the new one took
    // this account over in this run, deleting it would delete the account the new resource now manages.
    if (claimedHere.has(id)) {
      process.stderr.write(
        `${what}: not deleted: another Account resource of this stack took it over in this run ` +
          `(a renamed resource, or a replacement created before the delete); it stays on ISC, managed by that one\n`,
      );
      return;
    }
    const client = iscClient();
    accountReaderFor(client).forget(id);
    try {
      const taskId = await deleteAccount(client, id);
      if (taskId === undefined) return; // 404: already gone
      await waitForTask(client, taskId, { timeoutMs: run.taskTimeoutMs, pollIntervalMs: run.pollIntervalMs });
    } catch (err) {
      throw new Error(`${what}: delete failed: ${messageOf(err)}`);
    }
    recentlyDeleted.add(id);
    claimedHere.delete(id);
  },
});
