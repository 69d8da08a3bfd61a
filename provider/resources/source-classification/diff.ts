import type * as pulumi from "@pulumi/pulumi";
import { isUnknown } from "../shared/unknown";

type Raw = Record<string, unknown>;

/**
 * Classification runs again when `trigger` changes, or when the recorded run did not reach COMPLETED
 * (it timed out: the next run waits for it). Another source is a replacement. Run options alone
 * never cause a run. `olds` are the stored outputs, which echo the trigger.
 */
export function diffClassification(olds: Raw, news: Raw): pulumi.dynamic.DiffResult {
  if (isUnknown(news.sourceId) || olds.sourceId !== news.sourceId) return { changes: true, replaces: ["sourceId"] };
  if (isUnknown(news.trigger) || olds.status !== "COMPLETED") return { changes: true };
  return { changes: (olds.trigger ?? null) !== (news.trigger ?? null) };
}
