/**
 * `ZkClient`: samsa's promise-based ZooKeeper client, over node-zookeeper-client 1.1.3.
 *
 * One `ZkClient` lives as long as its owner (a broker, a tool) and holds one ZooKeeper session at
 * a time. It hides the library's four known pitfalls:
 * 1. expected version 0 inside a multi is sent as 0, not as "any version" (multi.ts);
 * 2. a chroot in the connect string is created, through a connection without the chroot, before
 *    the first session starts;
 * 3. a session that cannot have been kept alive — no reply from any server for the session
 *    timeout, measured on the monotonic clock — is treated as expired even though the library
 *    never says so (session-liveness.ts); a connection that stays silent for 2/3 of the timeout,
 *    or a connection attempt left unanswered, is dropped so the library tries another server;
 * 4. after an expiry (reported by a server, or decided by 3) the finished library client is shut
 *    down and a new session is started at once.
 *
 * Session events, in order, for an owner with ephemeral nodes and watches:
 * - `expired` ({ sessionId, reason }): the session is gone. Stop acting on it (a controller
 *   resigns) *now*. Requests that were pending on it fail with SESSION_EXPIRED, and every watch
 *   armed in it fires once with type SESSION_EXPIRED. A new session is already being set up.
 * - `sessionEstablished` ({ sessionId, previousSessionId }): the new session is usable:
 *   re-create ephemeral nodes (`createCheckedEphemeral` handles the old session's leftovers) and
 *   re-arm watches. Not emitted for the first session: `connect()` resolving means that one is
 *   established.
 * - `disconnected` / `connected` (sessionId): a connection was lost / regained within the
 *   session; nothing to rebuild.
 * - `closed` (error | null): the client is finished — `close()` was called (null), or the server
 *   rejected the credentials (AUTH_FAILED).
 *
 * Requests made while a new session is being set up wait for it (up to `connectTimeoutMs`).
 *
 * Retries on connection loss. Reads, `setData`, `delete`, `setAcl` and non-sequential `create`
 * are re-sent (up to `retries` times, with back-off) when the connection is lost after they were
 * sent, within the same session. A re-sent write may find its own earlier attempt applied; that
 * is resolved where it can be: NODE_EXISTS for an ephemeral node owned by this session → the
 * create succeeded; NO_NODE on delete → deleted; BAD_VERSION on setData where the node now has
 * version expected+1 and our data → the set succeeded. Any other error after a lost attempt, and
 * any connection error of a write, has `outcomeUnknown` set: the caller re-reads to find out
 * (as Kafka does). Sequential creates and `multi` are never re-sent (a second sequential node,
 * or a second application, would not be idempotent): on CONNECTION_LOSS they fail at once with
 * `outcomeUnknown`; check whether the write happened by reading what it would have changed
 * (for a sequential node, list the parent's children and look for your data).
 *
 * Reads are answered by the server the session is connected to: a write made through another
 * session may not be visible yet (ZooKeeper orders each session's view, not the views of
 * different sessions; node-zookeeper-client has no `sync`).
 *
 * Watches are one-shot: pass a callback to `getData`, `exists` or `getChildren`; it fires once,
 * for the next change, or with SESSION_EXPIRED. Re-arm by reading again with a callback.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import zookeeper from 'node-zookeeper-client';
import { logger, Logger } from '../../client/logging';
import { fromLibraryAcl, OPEN_ACL_UNSAFE, toLibraryAcl, ZkAcl, ZkAuth } from './acl';
import { parseConnectString, ParsedConnectString } from './connect-string';
import { fromLibraryError, isConnectionError, ZkError } from './errors';
import { abandonConnectAttempt, dropConnection, shutdownLibraryClient } from './library-internals';
import {
  CreateMode,
  fillTransaction,
  isEphemeral,
  isSequential,
  LibraryOpResult,
  libraryCreateMode,
  multiFailure,
  multiResults,
  Op,
  validateOps,
  ZkOp,
  ZkOpResult,
} from './multi';
import { validateData, validatePath, validateVersion } from './request-checks';
import { SessionLiveness } from './session-liveness';
import { formatSessionId, LibraryStat, toStat, ZkStat } from './stat';
import { ancestors, childPath } from './znode-path';

export interface ZkClientOptions {
  /** Requested session timeout (the server may adjust it). Default 18000, as Kafka 2.8. */
  sessionTimeoutMs?: number;
  /** How long to wait for a connection, at start and per request. Default: the session timeout. */
  connectTimeoutMs?: number;
  /** How many times a request lost with the connection is re-sent. Default 5. */
  retries?: number;
  /** Credentials added to every session, e.g. `[{ scheme: 'digest', credentials: 'user:pass' }]`. */
  auth?: readonly ZkAuth[];
  /** ACL for the chroot nodes created when missing. Default OPEN_ACL_UNSAFE. */
  chrootAcl?: readonly ZkAcl[];
  /** Names this client in log lines: `[ZooKeeperClient <name>]`. Default `samsa`. */
  name?: string;
}

export interface CreateOptions {
  mode?: CreateMode;
  acl?: readonly ZkAcl[];
  /** Create missing ancestors as persistent nodes without data, with the same ACL. */
  createParents?: boolean;
}

export type ZkWatchEventType =
  | 'NODE_CREATED'
  | 'NODE_DELETED'
  | 'NODE_DATA_CHANGED'
  | 'NODE_CHILDREN_CHANGED'
  | 'SESSION_EXPIRED';

export interface ZkWatchEvent {
  type: ZkWatchEventType;
  /** The watched path (relative to the chroot). */
  path: string;
}

export type ZkWatcher = (event: ZkWatchEvent) => void;

export interface ExpiredInfo {
  sessionId: string;
  /** `server`: a server said so on reconnect; `timeout`: no server replied for the session timeout. */
  reason: 'server' | 'timeout';
}

export interface SessionInfo {
  sessionId: string;
  previousSessionId: string | null;
}

export interface ZkClientEvents {
  connected: [sessionId: string];
  disconnected: [sessionId: string];
  expired: [info: ExpiredInfo];
  sessionEstablished: [info: SessionInfo];
  closed: [error: ZkError | null];
}

const DEFAULT_SESSION_TIMEOUT_MS = 18000;
const DEFAULT_RETRIES = 5;
/** Pause between passes over the server list when no server accepts a connection. */
const SPIN_DELAY_MS = 100;
const MAX_BACKOFF_MS = 2000;
/** How long `close()` waits for the server to confirm the session close. */
const CLOSE_GRACE_MS = 2000;

type RequestKind = 'read' | 'write' | 'write-once';
type LibCallback<T> = (error: unknown, result?: T) => void;

interface WatchRegistration {
  fired: boolean;
  path: string;
  watcher: ZkWatcher;
}

/** One ZooKeeper session: one library client, from connect until expiry or close. */
class Session {
  phase: 'connecting' | 'connected' | 'disconnected' | 'ended' = 'connecting';
  id: string | null = null;
  timer: ReturnType<typeof setInterval> | null = null;
  endError: ZkError | null = null;
  /** Rejecters of requests handed to the library and not yet answered. */
  readonly inFlight = new Set<(error: ZkError) => void>();
  readonly connectWaiters = new Set<{ resolve: () => void; reject: (e: ZkError) => void }>();
  readonly watches = new Set<WatchRegistration>();

  constructor(
    readonly lib: zookeeper.Client,
    readonly generation: number,
    readonly liveness: SessionLiveness,
  ) {}
}

function now(): number {
  return performance.now();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True for a library error that is a server's reply (not a local connection or session state). */
function isServerReply(error: ZkError): boolean {
  return !isConnectionError(error.code) && error.code !== 'AUTH_FAILED';
}

export class ZkClient extends EventEmitter<ZkClientEvents> {
  private readonly log: Logger;
  private readonly parsed: ParsedConnectString;
  private readonly connectString: string;
  private readonly requestedTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly retries: number;
  private readonly auth: readonly ZkAuth[];
  private readonly previous: string[] = [];
  private generation = 0;
  private current: Session;
  private closedWith: ZkError | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    connectString: string,
    parsed: ParsedConnectString,
    options: ZkClientOptions,
  ) {
    super();
    this.connectString = connectString;
    this.parsed = parsed;
    this.requestedTimeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    this.connectTimeoutMs = options.connectTimeoutMs ?? this.requestedTimeoutMs;
    this.retries = options.retries ?? DEFAULT_RETRIES;
    this.auth = options.auth ?? [];
    this.log = logger(`ZooKeeperClient ${options.name ?? 'samsa'}`);
    this.current = this.startSession();
  }

  /**
   * Connects and resolves once a session is established (and any credentials accepted). A
   * chroot in `connectString` (`host:2181/samsa`) is created first when missing. Rejects with
   * a ZkError: CONNECTION_LOSS when no server answers within `connectTimeoutMs`, AUTH_FAILED,
   * BAD_ARGUMENTS for a malformed connect string or options.
   */
  static async connect(connectString: string, options: ZkClientOptions = {}): Promise<ZkClient> {
    const parsed = parseConnectString(connectString);
    checkOptions(options);
    if (parsed.chroot !== null) await ensureChroot(parsed, options);
    const client = new ZkClient(connectString, parsed, options);
    try {
      await client.firstSession();
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  /** The current session's id (`0x...`), or null while a new session is being set up. */
  get sessionId(): string | null {
    return this.current.phase === 'ended' ? null : this.current.id;
  }

  /** Ids of this client's earlier sessions, oldest first. */
  get previousSessionIds(): readonly string[] {
    return this.previous;
  }

  /** The session timeout the server granted (the requested one until a session exists). */
  get sessionTimeoutMs(): number {
    return this.current.liveness.sessionTimeoutMs;
  }

  /** True while the current session has a live connection. */
  get connected(): boolean {
    return this.current.phase === 'connected';
  }

  /** The chroot of this client's connect string, or null. */
  get chroot(): string | null {
    return this.parsed.chroot;
  }

  /** Creates a znode; resolves to its path (with the sequence suffix for sequential modes). */
  async create(
    path: string,
    data: Buffer | null = null,
    options: CreateOptions = {},
  ): Promise<string> {
    validatePath(path);
    validateData(data, path);
    const mode = options.mode ?? 'persistent';
    const libMode = libraryCreateMode(mode);
    const acl = toLibraryAcl(options.acl ?? OPEN_ACL_UNSAFE);
    const attempt = (): Promise<string> =>
      this.request<string>(
        path,
        isSequential(mode) ? 'write-once' : 'write',
        (lib, done) => {
          if (data === null) lib.create(path, acl, libMode, done);
          else lib.create(path, data, acl, libMode, done);
        },
        async (error, session) => {
          if (error.code !== 'NODE_EXISTS' || !isEphemeral(mode)) return null;
          const stat = await this.send<LibraryStat | null>(session, path, (lib, done) =>
            lib.exists(path, done),
          );
          return stat !== null && toStat(stat).ephemeralOwner === session.id
            ? { value: path }
            : null;
        },
      );
    if (options.createParents !== true) return attempt();
    for (let round = 0; ; round += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof ZkError) || error.code !== 'NO_NODE' || round >= 3) throw error;
      }
      for (const ancestor of ancestors(path)) {
        try {
          await this.create(ancestor, null, { acl: options.acl });
        } catch (error) {
          if (!(error instanceof ZkError) || error.code !== 'NODE_EXISTS') throw error;
        }
      }
    }
  }

  /** Reads a znode's data (null when it has none) and stat; `watch` fires on change or delete. */
  async getData(path: string, watch?: ZkWatcher): Promise<{ data: Buffer | null; stat: ZkStat }> {
    validatePath(path);
    return this.watched(path, watch, async (libWatcher) => {
      const [data, stat] = await this.request<[Buffer | undefined, LibraryStat]>(
        path,
        'read',
        (lib, done) => {
          const cb = (error: unknown, d?: Buffer, s?: LibraryStat): void =>
            done(error, [d, s as LibraryStat]);
          if (libWatcher) lib.getData(path, libWatcher, cb);
          else lib.getData(path, cb);
        },
      );
      return { data: data ?? null, stat: toStat(stat) };
    });
  }

  /**
   * The stat of a znode, or null when it does not exist. `watch` fires when the node is created,
   * changed or deleted.
   */
  async exists(path: string, watch?: ZkWatcher): Promise<ZkStat | null> {
    validatePath(path);
    return this.watched(path, watch, async (libWatcher) => {
      const stat = await this.request<LibraryStat | null>(path, 'read', (lib, done) => {
        if (libWatcher) lib.exists(path, libWatcher, done);
        else lib.exists(path, done);
      });
      return stat === null || stat === undefined ? null : toStat(stat);
    });
  }

  /** A znode's children (names, unsorted) and stat; `watch` fires on a child change or delete. */
  async getChildren(
    path: string,
    watch?: ZkWatcher,
  ): Promise<{ children: string[]; stat: ZkStat }> {
    validatePath(path);
    return this.watched(path, watch, async (libWatcher) => {
      const [children, stat] = await this.request<[string[], LibraryStat]>(
        path,
        'read',
        (lib, done) => {
          const cb = (error: unknown, c?: string[], s?: LibraryStat): void =>
            done(error, [c ?? [], s as LibraryStat]);
          if (libWatcher) lib.getChildren(path, libWatcher, cb);
          else lib.getChildren(path, cb);
        },
      );
      return { children, stat: toStat(stat) };
    });
  }

  /** Sets a znode's data if its version is `expectedVersion` (-1: any); resolves to the new stat. */
  async setData(path: string, data: Buffer, expectedVersion = -1): Promise<ZkStat> {
    validatePath(path);
    if (!Buffer.isBuffer(data)) {
      throw new ZkError('BAD_ARGUMENTS', { path, detail: 'setData needs a Buffer' });
    }
    validateData(data, path);
    validateVersion(expectedVersion, path);
    const stat = await this.request<LibraryStat>(
      path,
      'write',
      (lib, done) => lib.setData(path, data, expectedVersion, done),
      async (error, session) => {
        if (error.code !== 'BAD_VERSION') return null;
        const [current, raw] = await this.send<[Buffer | undefined, LibraryStat]>(
          session,
          path,
          (lib, done) => lib.getData(path, (e, d, s) => done(e, [d, s])),
        );
        const ours =
          raw.version === expectedVersion + 1 && (current ?? Buffer.alloc(0)).equals(data);
        return ours ? { value: raw } : null;
      },
    );
    return toStat(stat);
  }

  /** Deletes a znode if its version is `expectedVersion` (-1: any). */
  async delete(path: string, expectedVersion = -1): Promise<void> {
    validatePath(path);
    validateVersion(expectedVersion, path);
    await this.request<void>(
      path,
      'write',
      (lib, done) => lib.remove(path, expectedVersion, (error) => done(error)),
      async (error) => (error.code === 'NO_NODE' ? { value: undefined } : null),
    );
  }

  /**
   * Deletes a znode and everything below it; succeeds if it does not exist. With `check`, every
   * delete is a multi guarded by that version check (Kafka fences the controller's recursive
   * deletes with the `/controller_epoch` zkVersion), so a failed check stops the deletion.
   */
  async deleteRecursive(
    path: string,
    options: { check?: { path: string; version: number } } = {},
  ): Promise<void> {
    validatePath(path);
    if (path === '/')
      throw new ZkError('BAD_ARGUMENTS', { path, detail: 'refusing to delete the root' });
    if (options.check) {
      validatePath(options.check.path);
      validateVersion(options.check.version, options.check.path);
    }
    for (let round = 0; ; round += 1) {
      let children: string[];
      try {
        children = (await this.getChildren(path)).children;
      } catch (error) {
        if (error instanceof ZkError && error.code === 'NO_NODE') return;
        throw error;
      }
      await Promise.all(children.map((c) => this.deleteRecursive(childPath(path, c), options)));
      try {
        if (options.check) {
          await this.multi([Op.check(options.check.path, options.check.version), Op.delete(path)]);
        } else {
          await this.delete(path);
        }
        return;
      } catch (error) {
        if (!(error instanceof ZkError)) throw error;
        if (error.code === 'NO_NODE') return;
        // A child was added meanwhile: go round again.
        if (error.code !== 'NOT_EMPTY' || round >= 10) throw error;
      }
    }
  }

  /**
   * Runs `ops` atomically: all succeed or nothing changes. On failure, rejects with a ZkError
   * whose `code` is the failing op's error and `opIndex` its index. Never re-sent: a
   * CONNECTION_LOSS has `outcomeUnknown` set.
   */
  async multi(ops: readonly ZkOp[]): Promise<ZkOpResult[]> {
    validateOps(ops);
    return this.request<ZkOpResult[]>(ops[0]?.path ?? '/', 'write-once', (lib, done) => {
      const tx = lib.transaction();
      fillTransaction(tx, ops);
      tx.commit((error: unknown, raw: LibraryOpResult[] | undefined) => {
        try {
          if (error) done((raw && multiFailure(ops, raw)) ?? error);
          else done(null, multiResults(ops, raw ?? []));
        } catch (conversionError) {
          done(conversionError);
        }
      });
    });
  }

  /** A znode's ACL and stat. */
  async getAcl(path: string): Promise<{ acl: ZkAcl[]; stat: ZkStat }> {
    validatePath(path);
    const [acl, stat] = await this.request<[zookeeper.ACL[], LibraryStat]>(
      path,
      'read',
      (lib, done) => lib.getACL(path, (error, a, s) => done(error, [a, s])),
    );
    return { acl: fromLibraryAcl(acl ?? []), stat: toStat(stat) };
  }

  /** Replaces a znode's ACL if its ACL version is `expectedAclVersion` (-1: any). */
  async setAcl(path: string, acl: readonly ZkAcl[], expectedAclVersion = -1): Promise<ZkStat> {
    validatePath(path);
    validateVersion(expectedAclVersion, path);
    const libAcl = toLibraryAcl(acl);
    const stat = await this.request<LibraryStat>(path, 'write', (lib, done) =>
      lib.setACL(path, libAcl, expectedAclVersion, done),
    );
    return toStat(stat);
  }

  /**
   * Closes the session (its ephemeral nodes go at once) and the client. Requests already sent
   * are answered first; anything still pending then fails with CLIENT_CLOSED.
   */
  close(): Promise<void> {
    if (this.closing === null) {
      this.closedWith = new ZkError('CLIENT_CLOSED', { detail: 'the client was closed' });
      this.closing = this.finish(null);
    }
    return this.closing;
  }

  // ---- sessions -------------------------------------------------------------------------------

  private startSession(): Session {
    this.generation += 1;
    const lib = zookeeper.createClient(this.connectString, {
      sessionTimeout: this.requestedTimeoutMs,
      spinDelay: SPIN_DELAY_MS,
      retries: 0,
    });
    for (const a of this.auth) lib.addAuthInfo(a.scheme, Buffer.from(a.credentials, 'utf8'));
    const liveness = new SessionLiveness(
      this.requestedTimeoutMs,
      this.parsed.servers.length,
      now(),
    );
    const session = new Session(lib, this.generation, liveness);
    lib.on('state', (state: zookeeper.State) => this.onLibraryState(session, state));
    this.log.info(`Initializing a new session to ${this.connectString}.`);
    lib.connect();
    this.startLivenessTimer(session);
    return session;
  }

  /** (Re)starts the session's liveness checks at the interval its current timeout calls for. */
  private startLivenessTimer(session: Session): void {
    if (session.timer !== null) clearInterval(session.timer);
    session.timer = setInterval(
      () => this.checkLiveness(session),
      session.liveness.checkIntervalMs,
    );
    session.timer.unref();
  }

  private async firstSession(): Promise<void> {
    const session = this.current;
    await this.whenConnected(session);
    // Credentials are checked by the server after the session is set up; one round trip makes
    // sure they were accepted before connect() resolves.
    await this.send(session, '/', (lib, done) => lib.exists('/', done));
  }

  private onLibraryState(session: Session, state: zookeeper.State): void {
    if (session.phase === 'ended' || this.closedWith !== null) return;
    switch (state.code) {
      case zookeeper.State.SYNC_CONNECTED.code:
        this.onConnected(session);
        return;
      case zookeeper.State.DISCONNECTED.code:
        if (session.phase === 'connected') {
          session.phase = 'disconnected';
          session.liveness.onDisconnected(now());
          this.log.info(`Disconnected from ZooKeeper (session ${String(session.id)}).`);
          this.emit('disconnected', session.id as string);
        }
        return;
      case zookeeper.State.EXPIRED.code:
        this.expire(session, 'server');
        return;
      case zookeeper.State.AUTH_FAILED.code:
        this.fail(new ZkError('AUTH_FAILED', { detail: 'ZooKeeper rejected the credentials' }));
        return;
      default:
        this.log.warn(`Ignoring unexpected ZooKeeper client state ${state.name}.`);
    }
  }

  private onConnected(session: Session): void {
    const t = now();
    const id = formatSessionId(session.lib.getSessionId());
    const negotiated = session.lib.getSessionTimeout();
    const first = !session.liveness.isEstablished;
    session.id = id;
    session.liveness.onConnected(t, negotiated);
    session.phase = 'connected';
    if (first) {
      this.log.info(`Session ${String(id)} established (timeout ${negotiated} ms).`);
      this.startLivenessTimer(session);
      if (session.generation > 1) {
        this.emit('sessionEstablished', {
          sessionId: id as string,
          previousSessionId: this.previous[this.previous.length - 1] ?? null,
        });
      }
    } else {
      this.log.info(`Reconnected to ZooKeeper (session ${String(id)}).`);
    }
    this.emit('connected', id as string);
    for (const waiter of [...session.connectWaiters]) waiter.resolve();
  }

  private checkLiveness(session: Session): void {
    const liveness = session.liveness;
    if (session.phase === 'ended') return;
    const t = now();
    switch (liveness.next(t)) {
      case 'expire':
        this.expire(session, 'timeout');
        return;
      case 'drop-connection':
        this.log.warn(
          `No reply from ZooKeeper for ${Math.round(liveness.silenceMs(t))} ms; ` +
            'dropping the connection to try another server.',
        );
        dropConnection(session.lib);
        return;
      case 'abandon-attempt':
        if (abandonConnectAttempt(session.lib)) {
          this.log.info(
            `No answer to the connection request within ${Math.round(
              liveness.sessionTimeoutMs / this.parsed.servers.length,
            )} ms; trying the next server.`,
          );
        }
        return;
      case 'heartbeat':
        liveness.onHeartbeatSent();
        session.lib.exists('/', (error: unknown) => {
          const answered = !error || isServerReply(asLibraryError(error));
          liveness.onHeartbeatDone(now(), answered);
        });
        return;
      case 'none':
        return;
    }
  }

  private expire(session: Session, reason: ExpiredInfo['reason']): void {
    if (session !== this.current || session.phase === 'ended' || this.closedWith !== null) return;
    const id = session.id as string;
    const silence = Math.round(session.liveness.silenceMs(now()));
    this.log.warn(
      reason === 'server'
        ? `Session ${id} expired (reported by ZooKeeper).`
        : `Session ${id} treated as expired: no reply from ZooKeeper for ${silence} ms ` +
            `(session timeout ${this.sessionTimeoutMs} ms).`,
    );
    const watches = [...session.watches];
    this.endSession(session, new ZkError('SESSION_EXPIRED', { detail: `session ${id} expired` }));
    this.previous.push(id);
    this.current = this.startSession();
    this.emit('expired', { sessionId: id, reason });
    for (const w of watches) this.deliver(w, { type: 'SESSION_EXPIRED', path: w.path });
  }

  /** Ends a session: rejects what waits on it and shuts its library client down. */
  private endSession(session: Session, error: ZkError): void {
    session.phase = 'ended';
    session.endError = error;
    if (session.timer !== null) clearInterval(session.timer);
    session.watches.clear();
    for (const waiter of [...session.connectWaiters]) waiter.reject(error);
    for (const abort of [...session.inFlight]) abort(error);
    shutdownLibraryClient(session.lib, 0).catch((e: unknown) =>
      this.log.error(`Shutting down the expired session's client failed: ${String(e)}`),
    );
  }

  private fail(error: ZkError): void {
    if (this.closing !== null) return;
    this.log.error(`${error.message}; closing the client.`);
    this.closedWith = error;
    this.closing = this.finish(error);
  }

  private async finish(error: ZkError | null): Promise<void> {
    const session = this.current;
    if (session.timer !== null) clearInterval(session.timer);
    if (session.phase !== 'ended') {
      await shutdownLibraryClient(session.lib, error === null ? CLOSE_GRACE_MS : 0);
      session.phase = 'ended';
      session.endError = this.closedWith;
      for (const waiter of [...session.connectWaiters]) waiter.reject(this.closedWith as ZkError);
      for (const abort of [...session.inFlight]) abort(this.closedWith as ZkError);
      session.watches.clear();
    }
    this.log.info(error === null ? 'Closed.' : `Closed: ${error.message}`);
    this.emit('closed', error);
  }

  // ---- requests -------------------------------------------------------------------------------

  private whenConnected(session: Session): Promise<void> {
    if (this.closedWith !== null) return Promise.reject(this.closedWith);
    if (session.phase === 'connected') return Promise.resolve();
    if (session.phase === 'ended') return Promise.reject(session.endError);
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          session.connectWaiters.delete(waiter);
          resolve();
        },
        reject: (e: ZkError) => {
          clearTimeout(timer);
          session.connectWaiters.delete(waiter);
          reject(e);
        },
      };
      const timer = setTimeout(
        () =>
          waiter.reject(
            new ZkError('CONNECTION_LOSS', {
              detail: `no connection to ZooKeeper (${this.parsed.serversString}) within ${this.connectTimeoutMs} ms`,
            }),
          ),
        this.connectTimeoutMs,
      );
      session.connectWaiters.add(waiter);
    });
  }

  /** Hands one request to the library in `session`; settles on its reply or the session's end. */
  private send<T>(
    session: Session,
    path: string,
    invoke: (lib: zookeeper.Client, done: LibCallback<T>) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const abort = (error: ZkError): void => {
        if (settled) return;
        settled = true;
        session.inFlight.delete(abort);
        reject(error);
      };
      session.inFlight.add(abort);
      const done: LibCallback<T> = (error, result) => {
        if (settled) return;
        if (!error) {
          session.liveness.onHeard(now());
          settled = true;
          session.inFlight.delete(abort);
          resolve(result as T);
          return;
        }
        const zkError = asLibraryError(error, path);
        if (isServerReply(zkError)) session.liveness.onHeard(now());
        abort(zkError);
      };
      try {
        invoke(session.lib, done);
      } catch (error) {
        abort(asLibraryError(error, path));
      }
    });
  }

  /**
   * Runs a request in the current session with the retry policy of its kind (see the module
   * comment). `afterLoss` may turn an error seen after a lost attempt into a success.
   */
  private async request<T>(
    path: string,
    kind: RequestKind,
    invoke: (lib: zookeeper.Client, done: LibCallback<T>) => void,
    afterLoss?: (error: ZkError, session: Session) => Promise<{ value: T } | null>,
  ): Promise<T> {
    const session = this.current;
    let lost = false;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.whenConnected(session);
      } catch (error) {
        throw finalError(asLibraryError(error, path), kind, path, lost);
      }
      try {
        return await this.send(session, path, invoke);
      } catch (caught) {
        const error = asLibraryError(caught, path);
        const resend =
          error.code === 'CONNECTION_LOSS' &&
          kind !== 'write-once' &&
          attempt < this.retries &&
          session.phase !== 'ended' &&
          this.closedWith === null;
        if (resend) {
          lost = true;
          this.log.debug(`Connection lost during a request on ${path}; sending it again.`);
          await sleep(Math.min(MAX_BACKOFF_MS, 50 * 2 ** attempt));
          continue;
        }
        if (lost && afterLoss !== undefined && isServerReply(error)) {
          const resolved = await afterLoss(error, session).catch(() => null);
          if (resolved !== null) return resolved.value;
        }
        throw finalError(error, kind, path, lost || isConnectionError(error.code));
      }
    }
  }

  /** Wraps a one-shot watcher: remembered in its session until it fires, delivered once. */
  private async watched<T>(
    path: string,
    watch: ZkWatcher | undefined,
    run: (libWatcher: ((event: zookeeper.Event) => void) | undefined) => Promise<T>,
  ): Promise<T> {
    if (watch === undefined) return run(undefined);
    const session = this.current;
    const registration: WatchRegistration = { fired: false, path, watcher: watch };
    const libWatcher = (event: zookeeper.Event): void => {
      session.watches.delete(registration);
      this.deliver(registration, { type: event.getName() as ZkWatchEventType, path });
    };
    const result = await run(libWatcher);
    if (session.phase !== 'ended' && !registration.fired) session.watches.add(registration);
    return result;
  }

  private deliver(registration: WatchRegistration, event: ZkWatchEvent): void {
    if (registration.fired) return;
    registration.fired = true;
    try {
      registration.watcher(event);
    } catch (error) {
      this.log.error(
        `Watcher for ${registration.path} (${event.type}) threw: ${
          error instanceof Error ? (error.stack ?? error.message) : String(error)
        }`,
      );
    }
  }
}

/** The ZkError for whatever the library reported (its Exception objects carry a numeric code). */
function asLibraryError(error: unknown, path?: string): ZkError {
  return fromLibraryError(error, path === undefined ? {} : { path });
}

function finalError(error: ZkError, kind: RequestKind, path: string, unknown: boolean): ZkError {
  const outcomeUnknown = kind !== 'read' && unknown;
  if (error.path !== undefined && error.outcomeUnknown === outcomeUnknown) return error;
  return new ZkError(error.code, {
    path: error.path ?? path,
    opIndex: error.opIndex,
    detail: error.detail,
    outcomeUnknown: error.outcomeUnknown || outcomeUnknown,
    cause: error,
  });
}

function checkOptions(options: ZkClientOptions): void {
  const positive = (name: string, value: number | undefined): void => {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
      throw new ZkError('BAD_ARGUMENTS', { detail: `${name} must be a positive number` });
    }
  };
  positive('sessionTimeoutMs', options.sessionTimeoutMs);
  positive('connectTimeoutMs', options.connectTimeoutMs);
  if (
    options.retries !== undefined &&
    (!Number.isInteger(options.retries) || options.retries < 0)
  ) {
    throw new ZkError('BAD_ARGUMENTS', { detail: 'retries must be a non-negative integer' });
  }
  for (const a of options.auth ?? []) {
    if (
      typeof a.scheme !== 'string' ||
      a.scheme.length === 0 ||
      typeof a.credentials !== 'string'
    ) {
      throw new ZkError('BAD_ARGUMENTS', { detail: 'auth entries need a scheme and credentials' });
    }
  }
}

/** Creates the chroot (and its parents) through a connection without the chroot. */
async function ensureChroot(parsed: ParsedConnectString, options: ZkClientOptions): Promise<void> {
  const chroot = parsed.chroot as string;
  const root = await ZkClient.connect(parsed.serversString, {
    ...options,
    name: `${options.name ?? 'samsa'} chroot`,
  });
  try {
    if ((await root.exists(chroot)) === null) {
      await root.create(chroot, null, { createParents: true, acl: options.chrootAcl });
    }
  } catch (error) {
    if (!(error instanceof ZkError) || error.code !== 'NODE_EXISTS') throw error;
  } finally {
    await root.close();
  }
}
