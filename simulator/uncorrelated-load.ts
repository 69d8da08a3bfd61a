/**
 * POST /sources/{id}/load-uncorrelated-accounts: a task that turns each CSV row into an account
 * (origin AGGREGATED, uncorrelated) or updates the account already there (its attribute set is
 * replaced, its correlation kept). The task's `attributes` report the counts:
 * {total, created, updated, unchanged, errors}; row problems become WARN messages (status WARNING);
 * a file that cannot be read ends the task in ERROR.
 */
import type { TaskStatus } from "../provider/client/types";
import { cloneAttributes } from "./attributes";
import { CsvFileError, parseUncorrelatedCsv } from "./csv-load";
import { randomHexId } from "./ids";
import type { SourceRecord, StoredAttributes } from "./model";
import type { SimulatorServices } from "./services";
import { TaskFailure, taskMessage } from "./tasks";

export const LOAD_TASK_NAME = "Cloud Process Uncorrelated Accounts";
export const LOAD_TASK_DESCRIPTION = "Processes uncorrelated accounts for the specified application.";

const LOAD_RETURNS: TaskStatus["returns"] = [
  { name: "TASK_OUT_ACCOUNT_CORRELATION_TOTAL", attributeName: "total" },
  { name: "TASK_OUT_ACCOUNT_CORRELATION_CREATED", attributeName: "created" },
  { name: "TASK_OUT_ACCOUNT_CORRELATION_UPDATED", attributeName: "updated" },
  { name: "TASK_OUT_UNCHANGED_ACCOUNTS", attributeName: "unchanged" },
  { name: "TASK_OUT_ACCOUNT_CORRELATION_FAILURES", attributeName: "errors" },
];

/** At most this many row problems are reported as messages (the count is always complete). */
const MAX_ROW_MESSAGES = 20;

function sameAttributes(a: StoredAttributes, b: StoredAttributes): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

/** Starts the load task; returns its id. */
export function startUncorrelatedLoad(
  services: SimulatorServices,
  source: SourceRecord,
  csvText: string,
  launcher: string,
): string {
  const { tenant, tasks, faults } = services;
  return tasks.start({
    type: "QUARTZ",
    uniqueName: LOAD_TASK_NAME,
    description: LOAD_TASK_DESCRIPTION,
    launcher,
    target: { id: source.id, type: "APPLICATION", name: source.name },
    sourceId: source.id,
    returns: LOAD_RETURNS,
    run: () => {
      let parsed;
      try {
        parsed = parseUncorrelatedCsv(csvText, source);
      } catch (error) {
        if (error instanceof CsvFileError)
          throw new TaskFailure(error.message, { total: 0, created: 0, updated: 0, unchanged: 0, errors: 1 });
        throw error;
      }
      const counts = {
        total: parsed.rows.length + parsed.rowErrors.length,
        created: 0,
        updated: 0,
        unchanged: 0,
        errors: parsed.rowErrors.length,
      };
      const now = new Date().toISOString();
      const visibleFrom = Date.now() + faults.config.visibilityDelayMs;
      for (const row of parsed.rows) {
        const current = tenant.accountByNativeIdentity(source.id, row.nativeIdentity);
        if (!current) {
          tenant.addAccount(
            {
              id: randomHexId(),
              sourceId: source.id,
              nativeIdentity: row.nativeIdentity,
              attributes: row.attributes,
              identityId: null,
              manuallyCorrelated: false,
              disabled: false,
              locked: false,
              origin: "AGGREGATED",
              created: now,
              modified: now,
            },
            visibleFrom,
          );
          counts.created++;
        } else if (sameAttributes(current.attributes, row.attributes)) {
          counts.unchanged++;
        } else {
          tenant.replaceAccount({ ...current, attributes: cloneAttributes(row.attributes), modified: now });
          counts.updated++;
        }
      }
      const messages = parsed.rowErrors
        .slice(0, MAX_ROW_MESSAGES)
        .map((text) => taskMessage("WARN", "sim.load.row", text));
      return { attributes: counts, messages };
    },
  });
}
