/**
 * What a create does when the source already holds accounts for the declared nativeIdentity: take
 * the one exact match over (adopt: true, or it is most likely this stack's own interrupted create),
 * or refuse with an error that names what was found. Pure: no I/O.
 */
import type { Account } from "../../client/types";
import type { DesiredAccount } from "../../engine/account-plan";
import { attributeValuesEqual, canonicalAttributeValue } from "../../engine/normalize";
import type { NativeMatches } from "./account-match";

export type ExistingDecision =
  | { kind: "create" }
  | { kind: "adopt"; account: Account; why: "adopt: true" | "interrupted create" }
  | { kind: "refuse"; message: string };

export interface ExistingContext {
  adopt: boolean;
  /** The source's identity attribute: it always holds the nativeIdentity, so it is not compared. */
  identityAttribute?: string;
  /** "account "x" on source S", for messages. */
  label: string;
  /** True for an account that another Account resource of this run created or took over. */
  claimedInThisRun: (accountId: string) => boolean;
}

function describe(account: Account): string {
  return (
    `"${account.nativeIdentity}" (id ${account.id}` +
    `${account.name && account.name !== account.nativeIdentity ? `, name "${account.name}"` : ""})`
  );
}

/**
 * Where the account differs from what this declaration's own create could have left behind: the
 * POST sends exactly the declared attributes and leaves the account enabled, unlocked and uncorrelated
 * (or correlated by the source's rules, never manually); correlation and disabling come after it, so an
 * interrupted create may stop before them. Only our own correlating PATCH (to the declared identity) can
 * leave it manually correlated. Empty: indistinguishable from our own create.
 */
export function differencesFromOwnCreate(
  account: Account,
  desired: DesiredAccount,
  identityAttribute?: string,
): string[] {
  const differences: string[] = [];
  const present = (values: Record<string, unknown>) =>
    Object.keys(values).filter(
      (name) =>
        name !== identityAttribute && canonicalAttributeValue(values[name] as string | string[] | null).length > 0,
    );
  const actual = account.attributes ?? {};
  const names = new Set([...present(actual), ...present(desired.attributes)]);
  const attributes = [...names].filter((name) => !attributeValuesEqual(actual[name], desired.attributes[name])).sort();
  if (attributes.length > 0) differences.push(`attributes ${attributes.join(", ")}`);
  const identityId = account.identityId ?? null;
  if (
    desired.identityId !== undefined &&
    identityId !== desired.identityId &&
    (identityId !== null || account.manuallyCorrelated === true)
  ) {
    differences.push(`correlated to ${identityId ?? "no identity"}, declared ${desired.identityId ?? "uncorrelated"}`);
  }
  const correlatedAsDeclared =
    desired.identityId !== undefined && desired.identityId !== null && identityId === desired.identityId;
  if (account.manuallyCorrelated === true && !correlatedAsDeclared) {
    differences.push(
      `manually correlated to ${identityId ?? "no identity"}` +
        `${desired.identityId === undefined ? ", correlation not declared" : ""}`,
    );
  }
  if (account.locked === true) differences.push("locked (a create never leaves an account locked)");
  if (account.disabled === true && desired.enabled) differences.push("disabled, declared enabled");
  return differences;
}

export function decideOnExisting(
  matches: NativeMatches,
  desired: DesiredAccount,
  context: ExistingContext,
): ExistingDecision {
  const { exact, otherCase } = matches;
  const what = context.label;
  if (exact.length > 1) {
    return {
      kind: "refuse",
      message:
        `${what}: the source holds ${exact.length} accounts with this nativeIdentity ` +
        `(ids ${exact.map((a) => a.id).join(", ")}); ` +
        `nothing was created or taken over. Remove the duplicates in ISC, then run "pulumi up" again.`,
    };
  }
  if (exact.length === 0) {
    if (otherCase.length === 0) return { kind: "create" };
    return {
      kind: "refuse",
      message:
        `${what}: the source holds ${otherCase.map(describe).join(" and ")}, ` +
        `which differs from the declared nativeIdentity only in case. ` +
        `nativeIdentity is matched exactly, so it was neither created ` +
        `(the tenant may treat it as the same account) nor taken over. ` +
        `If that is the account to manage, declare nativeIdentity: "${otherCase[0].nativeIdentity}"` +
        `${context.adopt ? "" : " with adopt: true"}.`,
    };
  }
  const [account] = exact;
  if (context.claimedInThisRun(account.id)) {
    return {
      kind: "refuse",
      message:
        `${what} (id ${account.id}) is already managed by another Account resource of this stack: ` +
        `declare each account once.`,
    };
  }
  if (context.adopt) return { kind: "adopt", account, why: "adopt: true" };
  const differences = differencesFromOwnCreate(account, desired, context.identityAttribute);
  if (differences.length === 0) return { kind: "adopt", account, why: "interrupted create" };
  return {
    kind: "refuse",
    message:
      `${what} already exists as ${describe(account)} and differs from this declaration (${differences.join("; ")}). ` +
      `To manage it with Pulumi, set adopt: true on this Account; Pulumi's import does not work for dynamic resources.`,
  };
}
