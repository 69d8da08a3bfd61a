/**
 * Types of the ISC API contract, derived from the types generated from ../shared/isc-openapi
 * (generated/*.ts, `npm run generate:api-types`; a unit test keeps them equal to the contract).
 * Where this file departs from the generated shape, the comment says why, citing what ISC does.
 */
import type { components as V3 } from "./generated/isc-v3";
import type { components as V2025 } from "./generated/isc-v2025";

type V3Schema = V3["schemas"];
type V2025Schema = V2025["schemas"];

/** A value of an account attribute as read: POST sends strings, reads may hold arrays (multi-valued). */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: unknown };

/**
 * `Account` (GET /v3/accounts, GET /v3/accounts/{id}). The spec marks `id` optional because it is
 * read-only (absent when creating); every account ISC returns has one. Attribute values are
 * `unknown` in the spec; as JSON they are AttributeValues. `identityId` is read as possibly null:
 * an uncorrelated account has no identity, and a reader must not trust "never null" from a spec.
 */
export type Account = Omit<V3Schema["Account"], "id" | "attributes" | "identityId"> & {
  id: string;
  attributes: Record<string, AttributeValue> | null;
  identityId?: string | null;
};

/**
 * `AccountAttributesCreate` (POST /v3/accounts). The spec types every attribute value as a string;
 * a multi-valued attribute is sent as a list of strings, as it is read back.
 */
export interface AccountAttributesCreate {
  attributes:
    V3Schema["AccountAttributesCreate"]["attributes"] | ({ sourceId: string } & Record<string, string | string[]>);
}

/** `AccountAttributes` (PUT /v3/accounts/{id}). */
export type AccountAttributes = V3Schema["AccountAttributes"];

/** `AccountsAsyncResult`: 202 body of async account calls; `id` is a TASK id. */
export type AccountsAsyncResult = V3Schema["AccountsAsyncResult"];

/** `AccountToggleRequest` (enable/disable). */
export type AccountToggleRequest = V3Schema["AccountToggleRequest"];

/** `AccountUnlockRequest`. */
export type AccountUnlockRequest = V3Schema["AccountUnlockRequest"];

/**
 * One JSON Patch operation (PATCH /v3/accounts/{id}, application/json-patch+json). The spec's body
 * is an array of untyped objects; these are the RFC 6902 operations this product sends.
 */
export interface JsonPatchOperation {
  op: "add" | "replace" | "remove";
  path: string;
  value?: unknown;
}

export type ErrorMessageDto = V3Schema["ErrorMessageDto"];

/** `ErrorResponseDto`: 400/403/404/500 bodies. */
export type ErrorResponseDto = V3Schema["ErrorResponseDto"];

/** 401 body (an inline response schema in the contract, not a named one). */
export interface UnauthorizedBody {
  error?: string;
}

/** 429 body (an inline response schema in the contract, not a named one). */
export interface TooManyRequestsBody {
  message?: string;
}

export type Entitlement = V3Schema["Entitlement"];

type SourceSchemaRef = NonNullable<V3Schema["Source"]["schemas"]>[number];

/**
 * `Source`. Read with open strings where the spec has enums that grow over time (connector
 * features, reference types): a new value from ISC must not be a type lie.
 */
export type Source = Omit<V3Schema["Source"], "features" | "schemas"> & {
  features?: string[];
  schemas?: Array<Omit<SourceSchemaRef, "type"> & { type?: string }>;
};

export type AttributeDefinitionType = V3Schema["AttributeDefinitionType"];

export type AttributeDefinition = V3Schema["AttributeDefinition"];

/** `Schema` (GET /v3/sources/{sourceId}/schemas). */
export type SourceSchema = V3Schema["Schema"];

type LoadTaskStatus = NonNullable<NonNullable<V2025Schema["LoadUncorrelatedAccountsTask"]["task"]>["completionStatus"]>;

/**
 * TaskStatus spells it TEMPERROR, LoadUncorrelatedAccountsTask TEMP_ERROR (../shared/isc-openapi/README.md): accept
 * both.
 */
export type TaskCompletionStatus = NonNullable<V2025Schema["TaskStatus"]["completionStatus"]> | LoadTaskStatus;

export type TaskStatusMessage = V2025Schema["TaskStatusMessage"];

/** `TaskStatus` (GET /v2025/task-status/{id}), with either spelling of TEMPERROR. */
export type TaskStatus = Omit<V2025Schema["TaskStatus"], "completionStatus"> & {
  completionStatus: TaskCompletionStatus | null;
};

/** `LoadUncorrelatedAccountsTask` (POST /v2025/sources/{id}/load-uncorrelated-accounts). */
export type LoadUncorrelatedAccountsTask = V2025Schema["LoadUncorrelatedAccountsTask"];

/** `SourceClassificationStatus` (GET/POST /v2025/sources/{sourceId}/classify). */
export type SourceClassificationStatus = V2025Schema["SourceClassificationStatus"];

export type ClassificationStatus = NonNullable<SourceClassificationStatus["status"]>;

/**
 * 200 body of POST /v2025/sources/{sourceId}/classify (inline in the contract; the property name has spaces upstream).
 */
export interface ClassifySubmitResult {
  "Accounts submitted for processing"?: number;
}
