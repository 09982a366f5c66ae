/**
 * Kafka's ZkNodeChangeNotificationListener: follows a root of persistent-sequential notification
 * znodes (`/config/changes/config_change_<seq>`; later `/kafka-acl-changes/acl_changes_<seq>`,
 * ...) and hands each new notification's data to a handler, once.
 *
 * - A child watch on the root is re-armed on every pass; its event, and every new ZooKeeper
 *   session, queues a pass (at most one queued while one runs).
 * - A pass lists the children, sorts them by sequence number and handles each one whose number is
 *   above the last handled (kept in memory: -1 at startup, so everything is handled again after a
 *   restart — notifications are idempotent triggers; the data lives elsewhere).
 * - Then it purges: any notification whose `ctime` is older than `changeExpirationMs` (15
 *   minutes) is deleted, by whichever broker notices first (another broker may already have).
 * - A pass that ZooKeeper cannot complete (connection lost, session expired) stops where it is
 *   and is retried after `retryBackoffMs` and on the next session; a handler that fails for any
 *   other reason is logged and that notification counts as handled, as in Kafka.
 * - A child whose name is not `<prefix><10 digits>` is left alone, with a warning.
 */
import { logger, type Logger } from '../../client/logging';
import { ZkError, type ZkClient } from '../../zk-schema/client';
import { childPath, sequenceNumber, type SequentialStore } from '../../zk-schema/znodes/sequential';

/** Kafka's `changeExpirationMs` default: 15 minutes. */
export const DEFAULT_CHANGE_EXPIRATION_MS = 15 * 60 * 1000;

export interface NotificationListenerOptions {
  readonly zk: ZkClient;
  readonly store: SequentialStore;
  /** Handles one notification's data (`path` names the notification znode). */
  readonly handler: (data: Buffer, path: string) => Promise<void>;
  readonly changeExpirationMs?: number;
  /** Wall clock in ms, compared with the znodes' ctime. Default Date.now. */
  readonly now?: () => number;
  /** Delay before retrying a pass that ZooKeeper could not complete. Default 1000. */
  readonly retryBackoffMs?: number;
  readonly log?: Logger;
}

/** ZooKeeper errors that say "try again later", not "this request is wrong". */
function isTransient(error: unknown): boolean {
  return (
    error instanceof ZkError &&
    (error.code === 'CONNECTION_LOSS' ||
      error.code === 'OPERATION_TIMEOUT' ||
      error.code === 'SESSION_EXPIRED')
  );
}

export class ZkNodeChangeNotificationListener {
  private readonly zk: ZkClient;
  private readonly store: SequentialStore;
  private readonly log: Logger;
  private readonly changeExpirationMs: number;
  private readonly now: () => number;
  private readonly retryBackoffMs: number;
  private lastExecuted = -1;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly onSession = (): void => this.enqueue();

  constructor(private readonly options: NotificationListenerOptions) {
    this.zk = options.zk;
    this.store = options.store;
    this.changeExpirationMs = options.changeExpirationMs ?? DEFAULT_CHANGE_EXPIRATION_MS;
    this.now = options.now ?? Date.now;
    this.retryBackoffMs = options.retryBackoffMs ?? 1000;
    this.log = options.log ?? logger(`ZkNodeChangeNotificationListener ${options.store.root}`);
  }

  /** The sequence number of the last notification handled (-1: none yet). */
  get lastExecutedChange(): number {
    return this.lastExecuted;
  }

  /** Starts listening; resolves once the first pass (every notification present) is done. */
  async init(): Promise<void> {
    this.zk.on('sessionEstablished', this.onSession);
    this.enqueue();
    await this.idle();
  }

  /** Resolves when no pass is running or queued. */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  /** Stops listening; resolves once a running pass is over. */
  async close(): Promise<void> {
    this.closed = true;
    this.zk.off('sessionEstablished', this.onSession);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.idle();
  }

  private enqueue(): void {
    if (this.closed) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.processNotifications();
      } catch (error) {
        if (this.closed) return;
        if (error instanceof ZkError && error.code === 'CLIENT_CLOSED') {
          this.log.info('The ZooKeeper client was closed; no longer listening.');
          return;
        }
        this.log.error(
          `Error while processing notification change for path = ${this.store.root}: ${describe(error)}`,
        );
        this.scheduleRetry();
      }
    } while (this.again && !this.closed);
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer !== null) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.enqueue();
    }, this.retryBackoffMs);
    this.retryTimer.unref();
  }

  private async processNotifications(): Promise<void> {
    const { children } = await this.zk.getChildren(this.store.root, () => this.enqueue());
    const notifications: { name: string; sequence: number }[] = [];
    for (const name of children) {
      try {
        notifications.push({ name, sequence: sequenceNumber(this.store, name) });
      } catch (error) {
        this.log.warn(`Ignoring ${this.store.root}/${name}: ${describe(error)}`);
      }
    }
    if (notifications.length === 0) return;
    notifications.sort((a, b) => a.sequence - b.sequence);
    const now = this.now();
    for (const { name, sequence } of notifications) {
      if (this.closed) return;
      if (sequence <= this.lastExecuted) continue;
      await this.processNotification(childPath(this.store, name));
      this.lastExecuted = sequence;
    }
    await this.purgeObsoleteNotifications(now, notifications);
  }

  private async processNotification(path: string): Promise<void> {
    let data: Buffer | null;
    try {
      data = (await this.zk.getData(path)).data;
    } catch (error) {
      if (error instanceof ZkError && error.code === 'NO_NODE') return;
      throw error;
    }
    if (data === null) {
      this.log.warn(`read null data from ${path}`);
      return;
    }
    try {
      await this.options.handler(data, path);
    } catch (error) {
      if (isTransient(error)) throw error;
      this.log.error(
        `error processing change notification ${data.toString('utf8')} from ${path}: ${describe(error)}`,
      );
    }
  }

  private async purgeObsoleteNotifications(
    now: number,
    notifications: readonly { name: string }[],
  ): Promise<void> {
    for (const { name } of notifications) {
      const path = childPath(this.store, name);
      const stat = await this.zk.exists(path);
      if (stat === null || now - stat.ctime <= this.changeExpirationMs) continue;
      this.log.debug(`Purging change notification ${path}`);
      try {
        await this.zk.delete(path);
      } catch (error) {
        if (!(error instanceof ZkError) || error.code !== 'NO_NODE') throw error;
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
