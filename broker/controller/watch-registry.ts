/**
 * One-shot ZooKeeper watches, armed at most once per path and kind (Kafka's `ZooKeeperClient`
 * keeps one handler per path for the same reason). ZooKeeper watches fire once; the controller
 * re-arms a watch by reading again with it. `watcher(key, onFire)` returns a watcher to pass to
 * that read — or undefined when one is already armed and has not fired, so reading twice never
 * stacks up duplicate watches (and duplicate events).
 *
 * `reset()` disowns every armed watch: when they fire they do nothing. The controller resets its
 * controller-only watches on resignation and all of them on session expiry. A watch that fires
 * because the session expired (SESSION_EXPIRED) never enqueues anything: expiry is handled by
 * `onSessionExpired`.
 */
import { ZkWatchEvent, ZkWatcher } from '../../zk-schema/client';

export class WatchRegistry {
  private generation = 0;
  private readonly armed = new Set<string>();

  /** A watcher for `key` (e.g. `children:/brokers/ids`), or undefined if one is armed already. */
  watcher(key: string, onFire: (event: ZkWatchEvent) => void): ZkWatcher | undefined {
    if (this.armed.has(key)) return undefined;
    this.armed.add(key);
    const generation = this.generation;
    return (event) => {
      if (generation !== this.generation) return;
      this.armed.delete(key);
      if (event.type !== 'SESSION_EXPIRED') onFire(event);
    };
  }

  /** Forgets that `key` is armed (its read failed, so the watch was not set). */
  disarm(key: string): void {
    this.armed.delete(key);
  }

  isArmed(key: string): boolean {
    return this.armed.has(key);
  }

  reset(): void {
    this.generation += 1;
    this.armed.clear();
  }
}
