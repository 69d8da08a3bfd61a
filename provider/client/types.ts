/**
 * Types of the ISC API contract (../shared/isc-openapi: v3 accounts/sources/schemas, v2025
 * task-status, load-uncorrelated-accounts and classify). Hand-written from the spec; the contract
 * tests validate the simulator's bodies against the spec itself, so these stay honest.
 */

/** A value of an account attribute as read: POST sends strings, reads may hold arrays (multi-valued). */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: unknown };

/** `Account` (GET /v3/accounts, GET /v3/accounts/{id}). */
export interface Account {
  id: string;
  name: string | null;
  created?: string;
  modified?: string;
  sourceId: string;
  sourceName: string | null;
  identityId?: string | null;
  cloudLifecycleState?: string | null;
  identityState?: string | null;
  connectionType?: string | null;
  isMachine?: boolean;
  attributes: Record<string, AttributeValue> | null;
  authoritative: boolean;
  description?: string | null;
  disabled: boolean;
  locked: boolean;
  nativeIdentity: string;
  systemAccount: boolean;
  uncorrelated: boolean;
  uuid?: string | null;
  manuallyCorrelated: boolean;
  hasEntitlements: boolean;
  identity?: { id?: string; name?: string; type?: string } | null;
  sourceOwner?: { id?: string; name?: string; type?: string } | null;
  features?: string | null;
  origin?: "AGGREGATED" | "PROVISIONED" | null;
}

/** `AccountAttributesCreate` (POST /v3/accounts): values are strings per the spec. */
export interface AccountAttributesCreate {
  attributes: { sourceId: string } & Record<string, string | string[]>;
}

/** `AccountAttributes` (PUT /v3/accounts/{id}). */
export interface AccountAttributes {
  attributes: Record<string, AttributeValue>;
}

/** `AccountsAsyncResult`: 202 body of async account calls; `id` is a TASK id. */
export interface AccountsAsyncResult {
  id: string;
}

/** `AccountToggleRequest` (enable/disable). */
export interface AccountToggleRequest {
  externalVerificationId?: string;
  forceProvisioning?: boolean;
}

/** `AccountUnlockRequest`. */
export interface AccountUnlockRequest {
  externalVerificationId?: string;
  unlockIDNAccount?: boolean;
  forceProvisioning?: boolean;
}

/** One JSON Patch operation (PATCH /v3/accounts/{id}, application/json-patch+json). */
export interface JsonPatchOperation {
  op: "add" | "replace" | "remove";
  path: string;
  value?: unknown;
}

export interface ErrorMessageDto {
  locale?: string | null;
  localeOrigin?: "DEFAULT" | "REQUEST" | null;
  text?: string;
}

/** `ErrorResponseDto`: 400/403/404/500 bodies. */
export interface ErrorResponseDto {
  detailCode?: string;
  trackingId?: string;
  messages?: ErrorMessageDto[];
  causes?: ErrorMessageDto[];
}

/** 401 body. */
export interface UnauthorizedBody {
  error?: string;
}

/** 429 body. */
export interface TooManyRequestsBody {
  message?: string;
}

export interface Entitlement {
  id?: string;
  name?: string;
  attribute?: string;
  value?: string;
  sourceSchemaObjectType?: string;
  description?: string | null;
  privileged?: boolean;
  cloudGoverned?: boolean;
  requestable?: boolean;
  source?: { id?: string; name?: string; type?: string };
  attributes?: Record<string, unknown>;
  created?: string;
  modified?: string;
}

/** `Source` (the fields this product reads). */
export interface Source {
  id: string;
  name: string;
  description?: string;
  type?: string;
  connector: string;
  connectorName?: string;
  owner: { id?: string; name?: string; type?: string } | null;
  authoritative?: boolean;
  healthy?: boolean;
  status?: string;
  created?: string;
  modified?: string;
}

export type AttributeDefinitionType = "STRING" | "LONG" | "INT" | "BOOLEAN" | "DATE";

export interface AttributeDefinition {
  name: string;
  nativeName?: string | null;
  type: AttributeDefinitionType;
  schema?: { type: "CONNECTOR_SCHEMA"; id: string; name: string } | null;
  description?: string;
  isMulti?: boolean;
  isEntitlement?: boolean;
  isGroup?: boolean;
}

/** `Schema` (GET /v3/sources/{sourceId}/schemas). */
export interface SourceSchema {
  id?: string;
  name?: string;
  nativeObjectType?: string;
  identityAttribute?: string;
  displayAttribute?: string;
  hierarchyAttribute?: string | null;
  includePermissions?: boolean;
  features?: string[];
  configuration?: Record<string, unknown>;
  attributes?: AttributeDefinition[];
  created?: string;
  modified?: string | null;
}

export type TaskCompletionStatus = "SUCCESS" | "WARNING" | "ERROR" | "TERMINATED" | "TEMPERROR" | "TEMP_ERROR";

export interface TaskStatusMessage {
  type: "INFO" | "WARN" | "ERROR";
  localizedText: { locale?: string; message?: string } | null;
  key: string;
  parameters: Array<Record<string, unknown>> | null;
}

/** `TaskStatus` (GET /v2025/task-status/{id}). */
export interface TaskStatus {
  id: string;
  type: "QUARTZ" | "QPOC" | "QUEUED_TASK";
  uniqueName: string;
  description: string;
  parentName: string | null;
  launcher: string;
  target?: { id?: string; type?: "APPLICATION" | "IDENTITY" | null; name?: string } | null;
  created: string;
  modified: string | null;
  launched: string | null;
  completed: string | null;
  completionStatus: TaskCompletionStatus | null;
  messages: TaskStatusMessage[];
  returns: Array<{ name: string; attributeName: string }>;
  attributes: Record<string, unknown>;
  progress: string | null;
  percentComplete: number;
}

/** `LoadUncorrelatedAccountsTask` (POST /v2025/sources/{id}/load-uncorrelated-accounts). */
export interface LoadUncorrelatedAccountsTask {
  success?: boolean;
  task?: {
    id?: string;
    type?: string;
    name?: string;
    description?: string;
    launcher?: string;
    created?: string;
    launched?: string | null;
    completed?: string | null;
    completionStatus?: "SUCCESS" | "WARNING" | "ERROR" | "TERMINATED" | "TEMP_ERROR" | null;
    parentName?: string | null;
    messages?: unknown[];
    progress?: string | null;
    attributes?: Record<string, unknown>;
    returns?: Record<string, unknown>;
  };
}

export type ClassificationStatus = "STARTED" | "COLLECTED" | "COMPLETED" | "CANCELLED" | "TERMINATED";

/** `SourceClassificationStatus` (GET/POST /v2025/sources/{sourceId}/classify). */
export interface SourceClassificationStatus {
  status?: ClassificationStatus;
  started?: string;
  updated?: string | null;
  counts?: { EXPECTED: number; RECEIVED: number; COMPLETED: number };
}

/** 200 body of POST /v2025/sources/{sourceId}/classify (the property name has spaces upstream). */
export interface ClassifySubmitResult {
  "Accounts submitted for processing"?: number;
}
