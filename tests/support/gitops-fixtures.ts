/** Locates the (uncompiled) GitOps fixtures from the repo root, so tests run the same from dist/. */
import * as path from "node:path";
import { packageRoot } from "../../provider/gitops/schema";

export const SOURCE_A = "2c9180857df6aa8f017e1a4fb1e20a5b";
export const SOURCE_B = "2c91808a7e0f3b12017e2a9c4d5f0001";
export const IDENTITY_1 = "2c9180835d2e5168015d32f890ca1581";

export function fixturePath(...segments: string[]): string {
  return path.join(packageRoot(__dirname), "tests", "fixtures", "gitops", ...segments);
}
