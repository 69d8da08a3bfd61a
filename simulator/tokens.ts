/** Bearer tokens issued by POST /oauth/token. Opaque random strings, kept only in memory. */
import { randomBytes } from "node:crypto";

interface IssuedToken {
  clientId: string;
  expiresAt: number;
}

/** How many issued tokens `issuedSoFar` remembers (the oldest are forgotten past it). */
const ISSUED_HISTORY = 10_000;

export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();
  /** Every token issued, expired or not, for tests that check no token leaks into output. */
  private readonly history: string[] = [];

  /** A new token for `clientId` that stops working `lifetimeMs` from now. */
  issue(clientId: string, lifetimeMs: number, now: number = Date.now()): string {
    if (this.tokens.size >= 10_000) this.sweep(now);
    const token = randomBytes(32).toString("base64url");
    this.tokens.set(token, { clientId, expiresAt: now + lifetimeMs });
    this.history.push(token);
    if (this.history.length > ISSUED_HISTORY) this.history.shift();
    return token;
  }

  /** The client id the token belongs to, or undefined when it is unknown or expired. */
  verify(token: string, now: number = Date.now()): string | undefined {
    const issued = this.tokens.get(token);
    if (!issued) return undefined;
    if (issued.expiresAt <= now) {
      this.tokens.delete(token);
      return undefined;
    }
    return issued.clientId;
  }

  /** The tokens issued so far (the last ISSUED_HISTORY), valid or not. */
  issuedSoFar(): string[] {
    return [...this.history];
  }

  /** Every token issued so far stops working (clients must fetch a new one). */
  expireAll(): void {
    this.tokens.clear();
  }

  private sweep(now: number): void {
    for (const [token, issued] of this.tokens) if (issued.expiresAt <= now) this.tokens.delete(token);
  }
}
