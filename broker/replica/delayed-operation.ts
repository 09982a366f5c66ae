/**
 * Delayed operations and their purgatory (Kafka's `DelayedOperation` and
 * `DelayedOperationPurgatory`): requests that cannot be answered yet — an acks=all produce
 * waiting for the ISR, a fetch waiting for min_bytes — park here, watched under the keys
 * (partitions) whose changes may complete them, until they complete or their delay runs out.
 *
 * An operation completes exactly once: by `tryComplete` returning true after an event on one of
 * its keys (`checkAndComplete`), by its timer (expiry), or by `forceCompleteAll` at shutdown.
 * Everything runs on the event loop, so there is none of Kafka's locking: `tryCompleteElseWatch`
 * checks once, then watches.
 */

export abstract class DelayedOperation {
  private completed = false;
  private timer: NodeJS.Timeout | undefined;
  /** The keys this operation is watched under (set by the purgatory). */
  keys: readonly string[] = [];

  constructor(readonly delayMs: number) {}

  /** Completes the operation (via forceComplete) if it can complete now; returns whether it did. */
  abstract tryComplete(): boolean;

  /** Runs once, when the operation completes for any reason. */
  protected abstract onComplete(): void;

  /** Runs once, before onComplete, when the delay ran out. */
  protected onExpiration(): void {}

  get isCompleted(): boolean {
    return this.completed;
  }

  /** Completes the operation unless it already completed; returns whether this call did. */
  forceComplete(): boolean {
    if (this.completed) return false;
    this.completed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.onComplete();
    return true;
  }

  /** @internal Started by the purgatory once the operation is watched. */
  startTimer(onExpired: () => void): void {
    this.timer = setTimeout(
      () => {
        if (this.completed) return;
        this.onExpiration();
        this.forceComplete();
        onExpired();
      },
      Math.max(0, this.delayMs),
    );
    this.timer.unref();
  }
}

export class DelayedOperationPurgatory<T extends DelayedOperation> {
  private readonly watchers = new Map<string, Set<T>>();

  /**
   * Completes `operation` now if it can; otherwise watches it under `keys` and starts its timer.
   * Returns whether it completed now.
   */
  tryCompleteElseWatch(operation: T, keys: readonly string[]): boolean {
    if (operation.tryComplete()) return true;
    operation.keys = keys;
    for (const key of keys) {
      let set = this.watchers.get(key);
      if (set === undefined) {
        set = new Set();
        this.watchers.set(key, set);
      }
      set.add(operation);
    }
    operation.startTimer(() => this.unwatch(operation));
    return false;
  }

  /** Tries to complete every operation watched under `key`; returns how many completed. */
  checkAndComplete(key: string): number {
    const set = this.watchers.get(key);
    if (set === undefined) return 0;
    let completed = 0;
    for (const operation of [...set]) {
      if (operation.isCompleted || operation.tryComplete()) {
        completed++;
        this.unwatch(operation);
      }
    }
    return completed;
  }

  /** Operations waiting (each counted once). */
  get delayed(): number {
    const all = new Set<T>();
    for (const set of this.watchers.values()) for (const op of set) all.add(op);
    return all.size;
  }

  /** Completes every waiting operation now (broker shutdown). */
  forceCompleteAll(): void {
    const all = new Set<T>();
    for (const set of this.watchers.values()) for (const op of set) all.add(op);
    this.watchers.clear();
    for (const op of all) op.forceComplete();
  }

  private unwatch(operation: T): void {
    for (const key of operation.keys) {
      const set = this.watchers.get(key);
      if (set === undefined) continue;
      set.delete(operation);
      if (set.size === 0) this.watchers.delete(key);
    }
  }
}
