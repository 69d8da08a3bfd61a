import type * as pulumi from "@pulumi/pulumi";
import { isUnknown } from "../shared/unknown";

type Raw = Record<string, unknown>;

/**
 * A load runs again only when the CSV's content changes (its hash, not its path or how it is given)
 * or it goes to another source, which is a replacement. Run options alone never cause a load.
 * `olds` are the stored outputs, which hold sourceId and csvSha256.
 */
export function diffLoad(olds: Raw, news: Raw): pulumi.dynamic.DiffResult {
  if (isUnknown(news.sourceId) || olds.sourceId !== news.sourceId) return { changes: true, replaces: ["sourceId"] };
  if (typeof news.csvSha256 !== "string" || isUnknown(news.csvSha256)) return { changes: true };
  return { changes: olds.csvSha256 !== news.csvSha256 };
}
