/**
 * The ONE declaration of the Account's fields. Everything else is derived from it: the input checks
 * shared by Pulumi `check` and `isc-accounts validate` (inputs.ts), the resource's args type (args.ts),
 * the declaration type the engine plans from and GitOps definitions carry, the settings kept in state
 * (outputs.ts), the GitOps keys and the JSON Schema (gitops/schema-document.ts) and the README table.
 */
import { DEFAULT_MAX_POLL_INTERVAL_MS, DEFAULT_POLL_INTERVAL_MS, DEFAULT_TASK_TIMEOUT_SECONDS } from "../../client";
import type { DesiredAttributeValue } from "../../engine/normalize";

/** How a field's value is checked, and which TypeScript type it has (see FieldValueOf). */
export type AccountFieldType =
  | "iscId"
  | "iscIdOrNull"
  | "nativeIdentity"
  | "attributes"
  | "boolean"
  | "string"
  | "number"
  /** Any value: only whether it changed matters. */
  | "trigger";

interface FieldValueOf {
  iscId: string;
  iscIdOrNull: string | null;
  nativeIdentity: string;
  attributes: Record<string, DesiredAttributeValue>;
  boolean: boolean;
  string: string;
  number: number;
  trigger: string;
}

/**
 * What changing the field costs on the tenant: `replace` (a new account), `update` (API calls on the
 * account), `reload` (a reload from the source), `none` (steers the provider, or is only passed along).
 */
export type ChangeCost = "replace" | "update" | "reload" | "none";

/** Where a GitOps definitions file may set the field: per account, per account and in `defaults`, or not at all. */
export type GitOpsPlacement = "source" | "account" | "account-and-defaults" | "none";

export interface AccountFieldSpec {
  type: AccountFieldType;
  /** The Pulumi input must be given. */
  required?: true;
  /** The value used when the input is absent (documentation and run options). */
  default?: boolean | number | Readonly<Record<string, never>>;
  /**
   * The default is written into every declaration, so "absent" never reaches the engine (else absent = not managed).
   */
  filled?: true;
  change: ChangeCost;
  /** Echoed from the inputs into the outputs: read and delete receive only stored outputs. */
  keptInState: boolean;
  gitops: GitOpsPlacement;
  /** Inclusive bounds of a number, with its unit for messages. */
  range?: { min: number; max: number; unit: string };
  /** One line for the README, the JSON Schema and editors. */
  doc: string;
}

/**
 * Longest nativeIdentity accepted. ISC documents no limit, but every lookup puts the value in the
 * URL (`filters=sourceId eq "..." and nativeIdentity eq "..."`); 20 000 characters were POSTed and
 * then failed every lookup with 431, leaving an orphan. 255 characters stay under the 8 KB request
 * line common front ends allow even when every character is percent-encoded UTF-8 (255 x 4 x 3).
 */
export const MAX_NATIVE_IDENTITY_LENGTH = 255;

export const ACCOUNT_FIELDS = {
  sourceId: {
    type: "iscId",
    required: true,
    change: "replace",
    keptInState: false,
    gitops: "source",
    doc:
      "The flat-file (DelimitedFile) source id: 32 hex characters, as shown in the ISC admin UI URL or returned " +
      "by GET /v3/sources. Changing it replaces the account.",
  },
  nativeIdentity: {
    type: "nativeIdentity",
    required: true,
    change: "replace",
    keptInState: false,
    gitops: "account",
    doc:
      "The account's id on the source (the value of the source schema's identity attribute); at most " +
      `${MAX_NATIVE_IDENTITY_LENGTH} characters, no control characters, no leading or trailing spaces. ` +
      "Together with the source it identifies the account; changing it replaces the account (old one deleted first).",
  },
  attributes: {
    type: "attributes",
    default: {},
    filled: true,
    change: "update",
    keptInState: false,
    gitops: "account",
    doc:
      'Managed attributes: name -> value (string) or values (list of strings), null for "must be absent". ' +
      "Attributes not listed are left alone.",
  },
  identityId: {
    type: "iscIdOrNull",
    change: "update",
    keptInState: false,
    gitops: "account",
    doc:
      "Identity the account must be correlated to (32 hex characters), or null: the account must be " +
      "uncorrelated. Omit to leave correlation alone.",
  },
  manuallyCorrelated: {
    type: "boolean",
    change: "update",
    keptInState: false,
    gitops: "account-and-defaults",
    doc:
      "Desired value of the account's manuallyCorrelated flag. Omit to leave it alone (ISC sets it when " +
      "identityId is reassigned).",
  },
  enabled: {
    type: "boolean",
    default: true,
    filled: true,
    change: "update",
    keptInState: false,
    gitops: "account-and-defaults",
    doc: "Desired enabled state of the account (default true). false disables it.",
  },
  unlock: {
    type: "boolean",
    default: false,
    change: "update",
    keptInState: false,
    gitops: "account-and-defaults",
    doc: "When true and the account is found locked, unlock it (drift reports a locked account as a difference).",
  },
  adopt: {
    type: "boolean",
    default: false,
    change: "none",
    keptInState: false,
    gitops: "account-and-defaults",
    doc: "At create, take over an existing account with the same nativeIdentity instead of failing (default false).",
  },
  forceProvisioning: {
    type: "boolean",
    change: "none",
    keptInState: false,
    gitops: "account-and-defaults",
    doc: "Passed to the enable, disable and unlock calls.",
  },
  externalVerificationId: {
    type: "string",
    change: "none",
    keptInState: false,
    gitops: "account",
    doc: "Passed to the enable, disable and unlock calls.",
  },
  taskTimeoutSeconds: {
    type: "number",
    default: DEFAULT_TASK_TIMEOUT_SECONDS,
    range: { min: 1, max: 86_400, unit: "seconds" },
    change: "none",
    keptInState: true,
    gitops: "none",
    doc: `Fail a task wait after this many seconds (default ${DEFAULT_TASK_TIMEOUT_SECONDS}).`,
  },
  pollIntervalMs: {
    type: "number",
    default: DEFAULT_POLL_INTERVAL_MS,
    range: { min: 50, max: 60_000, unit: "milliseconds" },
    change: "none",
    keptInState: true,
    gitops: "none",
    doc:
      `First task-status poll interval in milliseconds (default ${DEFAULT_POLL_INTERVAL_MS}; ` +
      `backs off to ${DEFAULT_MAX_POLL_INTERVAL_MS}).`,
  },
  reloadTrigger: {
    type: "trigger",
    change: "reload",
    keptInState: true,
    gitops: "none",
    doc: "Any value; when it changes, the account is reloaded from its source (POST .../reload).",
  },
  includeEntitlements: {
    type: "boolean",
    default: false,
    change: "none",
    keptInState: true,
    gitops: "none",
    doc:
      "Also read the account's entitlements into the `entitlements` output (one extra call per account per " +
      "refresh).",
  },
} as const satisfies Record<string, AccountFieldSpec>;

export type AccountFieldName = keyof typeof ACCOUNT_FIELDS;
type Spec<K extends AccountFieldName> = (typeof ACCOUNT_FIELDS)[K];

/** The plain value of a field. */
export type AccountFieldValue<K extends AccountFieldName> = FieldValueOf[Spec<K>["type"]];

/** Fields a Pulumi program must give. */
export type RequiredFieldName = {
  [K in AccountFieldName]: Spec<K> extends { required: true } ? K : never;
}[AccountFieldName];

/** Fields every declaration holds: required ones and those whose default is filled in. */
/** Settings echoed into the outputs. */
export type KeptInStateFieldName = {
  [K in AccountFieldName]: Spec<K> extends { keptInState: true } ? K : never;
}[AccountFieldName];

type PresentFieldName = {
  [K in AccountFieldName]: Spec<K> extends { required: true } | { filled: true } ? K : never;
}[AccountFieldName];

type Flatten<T> = { [K in keyof T]: T[K] };

/**
 * One account as declared (by a Pulumi program or a GitOps file), defaults filled in where the
 * declaration says so. An optional field that is absent is not managed.
 */
export type AccountDeclaration = Flatten<
  { [K in PresentFieldName]: AccountFieldValue<K> } & {
    [K in Exclude<AccountFieldName, PresentFieldName>]?: AccountFieldValue<K>;
  }
>;

export const ACCOUNT_FIELD_NAMES = Object.keys(ACCOUNT_FIELDS) as AccountFieldName[];

export function isAccountFieldName(name: string): name is AccountFieldName {
  return Object.hasOwn(ACCOUNT_FIELDS, name);
}

export function accountField(name: AccountFieldName): AccountFieldSpec {
  return ACCOUNT_FIELDS[name];
}

/** Settings that are not tenant state, echoed into the outputs as given. */
export const ECHOED_SETTINGS = ACCOUNT_FIELD_NAMES.filter(
  (name): name is KeptInStateFieldName => accountField(name).keptInState,
);

/** A field's default (only for fields that have one). */
export function defaultOf<K extends "taskTimeoutSeconds" | "pollIntervalMs">(name: K): number {
  return ACCOUNT_FIELDS[name].default;
}
