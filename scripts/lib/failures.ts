/**
 * Whether a failure reported by `pulumi up` tells the user which account (or which ISC task) it is
 * about, and what kinds of failures a run produced.
 */
import type { PluginEngine } from "../../harness/engine";
import type { RunningSimulator } from "../../simulator";

export interface ReportedFailure {
  /** Pulumi resource name. */
  name: string;
  op: string;
  message: string;
}

export interface FailureSubject {
  nativeIdentity: string;
  /** The ISC account id, when state knows it. */
  accountId?: string;
}

const TASK_ID = /\btask [0-9a-f]{32}\b/i;
const IDENTITY_CHAR = /[A-Za-z0-9._@-]/;

/** `text` contains `token` not as part of a longer identifier (so "u.1" is not found in "u.10"). */
export function containsIdentifier(text: string, token: string): boolean {
  if (token === "") return false;
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    const before = at === 0 ? "" : text[at - 1];
    const after = text[at + token.length] ?? "";
    if (!IDENTITY_CHAR.test(before) && !IDENTITY_CHAR.test(after)) return true;
  }
  return false;
}

/** Clear: not empty, and names the account (nativeIdentity or id) or the ISC task it is about. */
export function namesItsSubject(message: string, subject: FailureSubject): boolean {
  if (message.trim() === "") return false;
  return (
    containsIdentifier(message, subject.nativeIdentity) ||
    (subject.accountId !== undefined && subject.accountId !== "" && message.includes(subject.accountId)) ||
    TASK_ID.test(message)
  );
}

/** The failures whose message does not name their subject (or whose subject is unknown). */
export function unclearFailures(
  failures: readonly ReportedFailure[],
  subjectOf: (name: string) => FailureSubject | undefined,
): ReportedFailure[] {
  return failures.filter((f) => {
    const subject = subjectOf(f.name);
    return !subject || !namesItsSubject(f.message, subject);
  });
}

/**
 * The places whose text contains any of `secrets` (of 4 characters or more), by name: what a user
 * sees (error messages, what the Pulumi CLI prints of the plugin's output) and what Pulumi stores.
 */
export function placesQuoting(
  places: Readonly<Record<string, readonly string[]>>,
  secrets: readonly string[],
): string[] {
  const present = secrets.filter((s) => s.length >= 4);
  return Object.entries(places)
    .filter(([, texts]) => texts.some((text) => present.some((s) => text.includes(s))))
    .map(([name]) => name);
}

/** What a run shows and stores: where its secrets must never appear. */
export interface RunSurfaces {
  /** The resource errors Pulumi reported. */
  errors: readonly string[];
  /** What the Pulumi CLI printed of the plugin's output (ProviderPlugin.diagnostics). */
  pluginOutput: readonly string[];
  engine: Pick<PluginEngine, "state" | "defaultProviderState">;
}

/** The secrets a simulated tenant handed out: its first client's secret and every token it issued. */
export function tenantSecrets(sim: Pick<RunningSimulator, "clients" | "issuedTokens">): string[] {
  return [sim.clients[0].clientSecret, ...sim.issuedTokens()];
}

/** The surfaces of a run that quote one of `secrets` (see placesQuoting); none, when all is well. */
export function surfacesQuoting(run: RunSurfaces, secrets: readonly string[]): string[] {
  return placesQuoting(
    {
      errors: run.errors,
      "plugin output (printed by the Pulumi CLI)": run.pluginOutput,
      state: [JSON.stringify(run.engine.state()), JSON.stringify(run.engine.defaultProviderState() ?? {})],
    },
    secrets,
  );
}

/** A message with ids, names and numbers blanked, so that failures of one kind count together. */
export function failureKind(message: string): string {
  return message
    .replace(/[0-9a-f]{32}/gi, "<id>")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\b\d+(\.\d+)?\b/g, "<n>")
    .slice(0, 160);
}

/** Failure kinds with their counts, most frequent first. */
export function failureKinds(
  failures: readonly ReportedFailure[],
): Array<{ kind: string; count: number; example: string }> {
  const kinds = new Map<string, { count: number; example: string }>();
  for (const f of failures) {
    const kind = `${f.op}: ${failureKind(f.message)}`;
    const entry = kinds.get(kind) ?? { count: 0, example: f.message };
    entry.count++;
    kinds.set(kind, entry);
  }
  return [...kinds]
    .map(([kind, v]) => ({ kind, ...v }))
    .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}
