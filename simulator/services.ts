/** The simulator's shared state, handed to operation handlers and the admin surface. */
import type { ClassificationTracker } from "./classify";
import type { FaultInjector } from "./faults";
import type { TaskRunner } from "./tasks";
import type { TenantStore } from "./tenant";

/**
 * Keys of accounts with a change in flight. ISC refuses a second change to an account while one is
 * pending; keys are `account:<id>` and, for an account still being created, `native:<source>:<nativeIdentity>`.
 */
export class PendingLocks {
  private readonly held = new Set<string>();

  static accountKey(accountId: string): string {
    return `account:${accountId}`;
  }

  static nativeKey(sourceId: string, nativeIdentity: string): string {
    return `native:${sourceId}\u0000${nativeIdentity}`;
  }

  /** Takes all keys, or none when any is already held. */
  tryAcquire(keys: readonly string[]): boolean {
    if (keys.some((key) => this.held.has(key))) return false;
    keys.forEach((key) => this.held.add(key));
    return true;
  }

  release(keys: readonly string[]): void {
    keys.forEach((key) => this.held.delete(key));
  }

  isHeld(key: string): boolean {
    return this.held.has(key);
  }

  /** Account ids with a change in flight. */
  accountIds(): string[] {
    return [...this.held].filter((key) => key.startsWith("account:")).map((key) => key.slice("account:".length));
  }

  clear(): void {
    this.held.clear();
  }
}

export interface SimulatorServices {
  tenant: TenantStore;
  tasks: TaskRunner;
  faults: FaultInjector;
  classifications: ClassificationTracker;
  pending: PendingLocks;
}
