/** One plugin process per command, as the Pulumi CLI runs providers. */
import type { ProviderPlugin } from "./plugin";

/**
 * A plugin handle whose process is replaced between commands while the engine keeps its state: the
 * Pulumi CLI starts a fresh plugin for every `up`, `refresh` and `destroy`, so process-wide caches
 * (tokens, source schemas, read-ahead listings) live for one command, and tests should see that.
 */
export class CommandPlugin implements ProviderPlugin {
  private current: ProviderPlugin | undefined;
  /** What the CLI printed of the plugin processes already stopped, oldest first. */
  private readonly printedBefore: string[] = [];

  constructor(private readonly start: () => Promise<ProviderPlugin>) {}

  async restart(): Promise<number> {
    await this.stop();
    this.current = await this.start();
    return this.current.pid;
  }

  private get live(): ProviderPlugin {
    if (!this.current) throw new Error("no plugin process: call restart() first");
    return this.current;
  }

  get port() {
    return this.live.port;
  }
  get pid() {
    return this.live.pid;
  }
  get configuredWith() {
    return this.current?.configuredWith;
  }
  outputTail() {
    return this.current?.outputTail() ?? [];
  }
  /** What the CLI printed of every command's plugin so far (ProviderPlugin.diagnostics), oldest first. */
  diagnostics() {
    return [...this.printedBefore, ...(this.current?.diagnostics() ?? [])];
  }
  configure: ProviderPlugin["configure"] = (v) => this.live.configure(v);
  check: ProviderPlugin["check"] = (...a) => this.live.check(...a);
  diff: ProviderPlugin["diff"] = (...a) => this.live.diff(...a);
  create: ProviderPlugin["create"] = (...a) => this.live.create(...a);
  read: ProviderPlugin["read"] = (...a) => this.live.read(...a);
  update: ProviderPlugin["update"] = (...a) => this.live.update(...a);
  delete: ProviderPlugin["delete"] = (...a) => this.live.delete(...a);

  async stop(): Promise<void> {
    const plugin = this.current;
    this.current = undefined;
    await plugin?.stop();
    // Read after the stop: the process's last lines are flushed when it exits.
    if (plugin) this.printedBefore.push(...plugin.diagnostics());
  }
}
