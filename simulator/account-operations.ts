/**
 * The account changes the API offers (create, put, patch, delete, enable, disable, unlock, reload),
 * with ISC's semantics: each validates at once, then runs as a task whose change applies when the
 * task completes; while it runs the account is pending and a second change is refused.
 */
import { AttributeValueError, cloneAttributes, normalizeAttributeSet, normalizeAttributeValue } from "./attributes";
import { ApiError } from "./errors";
import { randomHexId } from "./ids";
import { DELIMITED_FILE, type AccountRecord, type SourceRecord, type StoredAttributes } from "./model";
import { PendingLocks, type SimulatorServices } from "./services";
import { TaskFailure, type TaskSpec } from "./tasks";

export type AccountAction = "enable" | "disable" | "unlock" | "reload";

const PENDING_MESSAGE = "The account has a pending task; wait for it to complete before changing the account again";

function attributeError(error: unknown): never {
  if (error instanceof AttributeValueError) throw ApiError.badRequest(error.message);
  throw error;
}

function sourceTarget(source: SourceRecord): NonNullable<TaskSpec["target"]> {
  return { id: source.id, type: "APPLICATION", name: source.name };
}

/** One validated JSON Patch operation, reduced to what it changes. */
type AccountChange =
  | { kind: "identity"; identityId: string | null }
  | { kind: "manuallyCorrelated"; value: boolean }
  | { kind: "attribute"; name: string; value: StoredAttributes[string] | undefined };

function decodePointerSegment(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

export class AccountOperations {
  constructor(private readonly services: SimulatorServices) {}

  /**
   * POST /accounts: creates the account, or updates it when the source already has that
   * nativeIdentity (unless the tenant is set to duplicateCreates). Returns the task id.
   */
  create(input: Record<string, unknown>, launcher: string): string {
    const { tenant, faults } = this.services;
    const sourceId = input.sourceId;
    if (typeof sourceId !== "string" || sourceId === "") throw ApiError.badRequest("attributes.sourceId is required");
    const source = tenant.source(sourceId);
    if (!source) throw ApiError.badRequest(`Source "${sourceId}" does not exist`);
    const { sourceId: _sourceId, ...values } = input;
    let attributes: StoredAttributes;
    try {
      attributes = normalizeAttributeSet(source, values, "strings");
    } catch (error) {
      attributeError(error);
    }
    const nativeIdentity = attributes[source.identityAttribute];
    if (typeof nativeIdentity !== "string") {
      throw ApiError.badRequest(
        `attributes.${source.identityAttribute} (the identity attribute of source "${source.name}") is required ` +
          `and must be one string`,
      );
    }
    // A tenant that does not merge creates neither updates nor serializes them: each POST is a new account.
    const merges = !tenant.settings.duplicateCreates;
    const existing = merges ? tenant.accountByNativeIdentity(source.id, nativeIdentity) : undefined;
    const keys = merges
      ? [
          PendingLocks.nativeKey(source.id, tenant.foldNativeIdentity(nativeIdentity)),
          ...(existing ? [PendingLocks.accountKey(existing.id)] : []),
        ]
      : [];
    return this.startLocked(keys, {
      type: "QUARTZ",
      uniqueName: existing ? "Update Account" : "Create Account",
      description: existing
        ? `Update account ${nativeIdentity} on ${source.name}`
        : `Create account ${nativeIdentity} on ${source.name}`,
      launcher,
      target: sourceTarget(source),
      sourceId: source.id,
      subject: `${existing ? "update" : "create"} ${nativeIdentity}`,
      run: () => {
        const now = new Date().toISOString();
        const current = merges ? tenant.accountByNativeIdentity(source.id, nativeIdentity) : undefined;
        if (current) {
          // On a case-insensitive tenant the account keeps its own spelling of the identity attribute.
          const merged = {
            ...cloneAttributes(current.attributes),
            ...attributes,
            [source.identityAttribute]: current.nativeIdentity,
          };
          tenant.replaceAccount({ ...current, attributes: merged, modified: now });
          return;
        }
        const record: AccountRecord = {
          id: randomHexId(),
          sourceId: source.id,
          nativeIdentity,
          attributes,
          identityId: null,
          manuallyCorrelated: false,
          disabled: false,
          locked: false,
          origin: "PROVISIONED",
          created: now,
          modified: now,
        };
        tenant.addAccount(record, Date.now() + faults.config.visibilityDelayMs);
      },
    });
  }

  /** PUT /accounts/{id}: replaces the attribute set (flat-file sources only). Returns the task id. */
  put(id: string, input: Record<string, unknown>, launcher: string): string {
    const { account, source } = this.requireAccount(id);
    if (source.type !== DELIMITED_FILE)
      throw ApiError.badRequest(
        `PUT is only supported for accounts of DelimitedFile sources; source "${source.name}" is ${source.type}`,
      );
    const { sourceId, ...values } = input;
    if (sourceId !== undefined && sourceId !== source.id)
      throw ApiError.badRequest("attributes.sourceId cannot change");
    let attributes: StoredAttributes;
    try {
      attributes = normalizeAttributeSet(source, values, "scalars");
    } catch (error) {
      attributeError(error);
    }
    const identityValue = attributes[source.identityAttribute];
    if (identityValue !== undefined && identityValue !== account.nativeIdentity) {
      throw ApiError.badRequest(
        `attributes.${source.identityAttribute} is the identity attribute and cannot change (it is ` +
          `"${account.nativeIdentity}")`,
      );
    }
    attributes[source.identityAttribute] = account.nativeIdentity;
    return this.startAccountTask(account, source, "Update Account", launcher, (current) => ({
      ...current,
      attributes,
    }));
  }

  /** PATCH /accounts/{id}: validates the JSON Patch, then applies it after a delay, with no task to poll. */
  patch(id: string, operations: unknown): void {
    const { tenant, pending, tasks } = this.services;
    const { account, source } = this.requireAccount(id);
    const changes = this.parsePatch(operations, source);
    const keys = [PendingLocks.accountKey(account.id)];
    if (!pending.tryAcquire(keys)) throw ApiError.badRequest(PENDING_MESSAGE);
    tasks.start({
      type: "QUARTZ",
      uniqueName: "Patch Account",
      description: `Patch account ${account.nativeIdentity}`,
      launcher: "patch",
      target: sourceTarget(source),
      hidden: true,
      run: () => {
        const current = tenant.account(account.id);
        if (!current) return;
        tenant.replaceAccount({ ...applyChanges(current, changes), modified: new Date().toISOString() });
      },
      settle: () => pending.release(keys),
    });
  }

  /** DELETE /accounts/{id} (DelimitedFile sources only). Returns the task id. */
  remove(id: string, launcher: string): string {
    const { tenant, faults } = this.services;
    const { account, source } = this.requireAccount(id);
    if (source.type !== DELIMITED_FILE)
      throw ApiError.badRequest(
        `Accounts can only be deleted from DelimitedFile sources; source "${source.name}" is ${source.type}`,
      );
    return this.startLocked([PendingLocks.accountKey(account.id)], {
      type: "QUARTZ",
      uniqueName: "Delete Account",
      description: `Delete account ${account.nativeIdentity} from ${source.name}`,
      launcher,
      target: sourceTarget(source),
      sourceId: source.id,
      subject: `delete ${account.nativeIdentity}`,
      run: () => {
        if (!tenant.removeAccount(account.id, Date.now() + faults.config.visibilityDelayMs)) {
          throw new TaskFailure(`Account ${account.nativeIdentity} no longer exists`);
        }
      },
    });
  }

  /** POST /accounts/{id}/enable|disable|unlock|reload. Returns the task id. */
  act(id: string, action: AccountAction, launcher: string): string {
    const { account, source } = this.requireAccount(id);
    const change: Record<AccountAction, (current: AccountRecord) => AccountRecord> = {
      enable: (current) => ({ ...current, disabled: false }),
      disable: (current) => ({ ...current, disabled: true }),
      unlock: (current) => ({ ...current, locked: false }),
      reload: (current) => current,
    };
    const name = `${action[0].toUpperCase()}${action.slice(1)} Account`;
    return this.startAccountTask(account, source, name, launcher, change[action]);
  }

  /** The account as the API sees it, and its source; 404 when it is not (or no longer) there. */
  private requireAccount(id: string): { account: AccountRecord; source: SourceRecord } {
    const { tenant } = this.services;
    const account = tenant.visibleAccount(id, Date.now());
    const stored = tenant.account(id);
    if (!account || !stored) throw ApiError.notFound(`Account "${id}" not found`);
    const source = tenant.source(stored.sourceId);
    if (!source) throw ApiError.notFound(`Account "${id}" not found`);
    return { account: stored, source };
  }

  private startAccountTask(
    account: AccountRecord,
    source: SourceRecord,
    uniqueName: string,
    launcher: string,
    change: (current: AccountRecord) => AccountRecord,
  ): string {
    const { tenant } = this.services;
    return this.startLocked([PendingLocks.accountKey(account.id)], {
      type: "QUARTZ",
      uniqueName,
      description: `${uniqueName} ${account.nativeIdentity} on ${source.name}`,
      launcher,
      target: sourceTarget(source),
      sourceId: source.id,
      // "disable jdoe", "update jdoe", ...: failTasksMatching can target one kind of operation.
      subject: `${uniqueName.split(" ")[0].toLowerCase()} ${account.nativeIdentity}`,
      run: () => {
        const current = tenant.account(account.id);
        if (!current) throw new TaskFailure(`Account ${account.nativeIdentity} no longer exists`);
        const next = change(current);
        if (next !== current) tenant.replaceAccount({ ...next, modified: new Date().toISOString() });
      },
    });
  }

  private startLocked(keys: string[], spec: TaskSpec): string {
    const { pending, tasks } = this.services;
    if (!pending.tryAcquire(keys)) throw ApiError.badRequest(PENDING_MESSAGE);
    return tasks.start({ ...spec, settle: () => pending.release(keys) });
  }

  private parsePatch(operations: unknown, source: SourceRecord): AccountChange[] {
    const { tenant } = this.services;
    if (!Array.isArray(operations) || operations.length === 0) {
      throw ApiError.badRequest("The body must be a non-empty JSON Patch array of {op, path, value}");
    }
    return operations.map((operation, index): AccountChange => {
      if (operation === null || typeof operation !== "object" || Array.isArray(operation)) {
        throw ApiError.badRequest(`Patch operation ${index} must be an object`);
      }
      const { op, path, value } = operation as { op?: unknown; path?: unknown; value?: unknown };
      if (op !== "add" && op !== "replace" && op !== "remove") {
        throw ApiError.badRequest(
          `Patch operation ${index}: op must be add, replace or remove, got ${JSON.stringify(op)}`,
        );
      }
      if (typeof path !== "string") throw ApiError.badRequest(`Patch operation ${index}: path must be a string`);
      if (op !== "remove" && value === undefined)
        throw ApiError.badRequest(`Patch operation ${index}: ${op} needs a value`);
      if (path === "/identityId") {
        if (op === "remove") return { kind: "identity", identityId: null };
        if (typeof value !== "string" || !tenant.identity(value)) {
          throw ApiError.badRequest(`Patch operation ${index}: identity ${JSON.stringify(value)} does not exist`);
        }
        return { kind: "identity", identityId: value };
      }
      if (path === "/manuallyCorrelated") {
        if (op === "remove" || typeof value !== "boolean") {
          throw ApiError.badRequest(
            `Patch operation ${index}: /manuallyCorrelated takes add or replace with a boolean`,
          );
        }
        return { kind: "manuallyCorrelated", value };
      }
      const attributeMatch = /^\/attributes\/([^/]+)$/.exec(path);
      if (attributeMatch) {
        if (source.type !== DELIMITED_FILE) {
          throw ApiError.badRequest(
            `Patch operation ${index}: attributes can only be modified on accounts of flat file ` +
              `(DelimitedFile) sources`,
          );
        }
        const name = decodePointerSegment(attributeMatch[1]);
        if (name === source.identityAttribute) {
          throw ApiError.badRequest(`Patch operation ${index}: "${name}" is the identity attribute and cannot change`);
        }
        if (op === "remove") return { kind: "attribute", name, value: undefined };
        try {
          return { kind: "attribute", name, value: normalizeAttributeValue(source, name, value, "scalars") };
        } catch (error) {
          attributeError(error);
        }
      }
      throw ApiError.badRequest(
        `Patch operation ${index}: path "${path}" cannot be patched (allowed: /identityId, /manuallyCorrelated, ` +
          `/attributes/<name>)`,
      );
    });
  }
}

function applyChanges(current: AccountRecord, changes: readonly AccountChange[]): AccountRecord {
  const attributes = cloneAttributes(current.attributes);
  let identityId = current.identityId;
  let manuallyCorrelated = current.manuallyCorrelated;
  let identityChanged = false;
  let explicitManual: boolean | undefined;
  for (const change of changes) {
    if (change.kind === "identity") {
      identityId = change.identityId;
      identityChanged = true;
    } else if (change.kind === "manuallyCorrelated") {
      explicitManual = change.value;
    } else if (change.value === undefined) {
      delete attributes[change.name];
    } else {
      attributes[change.name] = change.value;
    }
  }
  // ISC marks a reassigned account manually correlated unless the patch says otherwise.
  if (identityChanged) manuallyCorrelated = identityId !== null;
  if (explicitManual !== undefined) manuallyCorrelated = explicitManual;
  return { ...current, attributes, identityId, manuallyCorrelated };
}
