/** The simulator's shared state, handed to operation handlers and the admin surface. */
import type { ClassificationTracker } from "./classify";
import type { FaultInjector } from "./faults";
import type { TaskRunner } from "./tasks";
import type { TenantStore } from "./tenant";

/**
 * Keys of accounts with a change in flight: `account:<id>` and, for an account still being created,
 * `native:<source>:<nativeIdentity>`. Refusing a second change while one is pending is NOT
 * documented for ISC (issue 11), so it happens only while `refuseWhilePending()` says so (the
 * `pendingTaskRefusal` fault); otherwise every change is taken and runs its own task.
 */
export class PendingLocks {
  /** How many changes in flight hold each key. */
  private readonly held = new Map<string, number>();

  constructor(private readonly refuseWhilePending: () => boolean = () => true) {}

  static accountKey(accountId: string): string {
    return `account:${accountId}`;
  }

  static nativeKey(sourceId: string, nativeIdentity: string): string {
    return `native:${sourceId}\u0000${nativeIdentity}`;
  }

  /** Takes all keys; when refusing, takes none and answers false if any is already held. */
  tryAcquire(keys: readonly string[]): boolean {
    if (this.refuseWhilePending() && keys.some((key) => this.held.has(key))) return false;
    keys.forEach((key) => this.held.set(key, (this.held.get(key) ?? 0) + 1));
    return true;
  }

  release(keys: readonly string[]): void {
    for (const key of keys) {
      const count = (this.held.get(key) ?? 0) - 1;
      if (count > 0) this.held.set(key, count);
      else this.held.delete(key);
    }
  }

  isHeld(key: string): boolean {
    return this.held.has(key);
  }

  /** Account ids with a change in flight. */
  accountIds(): string[] {
    return [...this.held.keys()].filter((key) => key.startsWith("account:")).map((key) => key.slice("account:".length));
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
