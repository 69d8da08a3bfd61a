/**
 * pulumi-isc-accounts: SailPoint ISC flat-file accounts as Pulumi resources, GitOps definitions
 * and drift detection.
 */
export { Account, accountProvider } from "./resources/account";
export type { AccountArgs, AccountOutputs, EntitlementSummary } from "./resources/account";
export { UncorrelatedAccountsLoad, uncorrelatedAccountsLoadProvider } from "./resources/uncorrelated-accounts-load";
export type { UncorrelatedAccountsLoadArgs, LoadOutputs } from "./resources/uncorrelated-accounts-load";
export { SourceClassification, sourceClassificationProvider } from "./resources/source-classification";
export type {
  SourceClassificationArgs,
  ClassificationOutputs,
  ClassificationCounts,
} from "./resources/source-classification";
export { accountEntitlements } from "./functions/account-entitlements";
export { accountsFromDirectory, summarizeAccounts, accountArgs } from "./gitops/program";
export type { AccountsFromDirectoryOptions, AccountsSummary } from "./gitops/program";
export { loadDefinitions, loadDefinitionsSync } from "./gitops/loader";
export type { AccountDefinition, DefinitionError, LoadResult } from "./gitops/definitions";
export { formatDefinitionError } from "./gitops/definitions";
export { accountResourceName } from "./gitops/naming";
export { detectDrift } from "./gitops/drift";
export type { DriftReport } from "./gitops/drift-report";
export { planAccountChanges } from "./engine/account-plan";
export type { AccountOperation, DesiredAccount, CurrentAccount } from "./engine/account-plan";
/** The HTTP client, for scripts that talk to ISC directly (knows nothing of Pulumi). */
export * as isc from "./client";
