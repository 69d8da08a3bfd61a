import { createHash, randomBytes } from "node:crypto";

/** A fresh id in ISC's usual form: 32 lowercase hex characters. */
export function randomHexId(): string {
  return randomBytes(16).toString("hex");
}

/** A stable 32-hex id derived from its parts, so derived objects (schemas, entitlements) keep their ids. */
export function derivedHexId(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}
