/**
 * The only place that touches node-zookeeper-client (1.1.3) internals, each use checked at
 * runtime so a library upgrade that changes them fails loudly here instead of silently:
 *
 * - `Transaction#ops`: the queued operations, from which `commit()` builds the jute records.
 *   `Transaction.check/setData/remove` do `version = version || -1`, turning an expected
 *   version of 0 into -1 ("any version") — upstream issue alexguan/node-zookeeper-client#67.
 *   `setQueuedVersion` writes the caller's version back into the queued op of *our own*
 *   Transaction instance before commit. Nothing global is patched.
 * - `Client#connectionManager.socket`: the library has no read timeout, so a server that stops
 *   answering (SIGSTOP, a dead network path) keeps the connection "connected" for ever.
 *   `dropConnection` destroys that socket; the library then reconnects to the next server in the
 *   same session, as ZooKeeper's Java client does after its read timeout.
 *   Likewise it waits for ever for the answer to its connect request once the TCP handshake
 *   succeeded (a SIGSTOPped server's kernel still accepts connections): `abandonConnectAttempt`
 *   destroys that socket so the library tries the next server (the Java client's connect
 *   timeout).
 * - `Client#connectionManager.state` / `.connectTimeoutHandler`: to tell connected from
 *   connecting, and for `shutdownLibraryClient` to stop a client without leaving a reconnect loop
 *   or a timer behind.
 *
 * Known limitation of the library that remains: if a client is shut down during the library's
 * reconnect back-off (after every server was tried), the pending attempt still opens one socket,
 * which closes itself at once; a server that accepts it holds an unused session until timeout.
 */
import type { Socket } from 'node:net';
import type zookeeper from 'node-zookeeper-client';

/** ConnectionManager states of node-zookeeper-client (lib/ConnectionManager.js `STATES`). */
const CM = {
  CONNECTING: 1,
  CONNECTED: 2,
  CONNECTED_READ_ONLY: 3,
  CLOSING: -1,
  CLOSED: -2,
  SESSION_EXPIRED: -3,
  AUTHENTICATION_FAILED: -4,
} as const;

interface ConnectionManagerInternals {
  state: number;
  socket?: Socket;
  connectTimeoutHandler?: ReturnType<typeof setTimeout> | null;
}

/** One queued operation of a library Transaction (lib/Transaction.js). */
interface QueuedOp {
  type: number;
  path: string;
  version?: number;
}

function connectionManager(client: zookeeper.Client): ConnectionManagerInternals {
  const cm = (client as unknown as { connectionManager?: ConnectionManagerInternals })
    .connectionManager;
  if (cm === undefined || typeof cm.state !== 'number') {
    throw new Error(
      'node-zookeeper-client internals changed: Client#connectionManager.state not found',
    );
  }
  return cm;
}

/**
 * Sets the expected version of op `index` — the transaction's most recently queued op, a check,
 * setData or delete — to `version`, undoing the library's `version || -1`.
 */
export function setQueuedVersion(tx: zookeeper.Transaction, index: number, version: number): void {
  const ops = (tx as unknown as { ops?: QueuedOp[] }).ops;
  if (!Array.isArray(ops) || ops.length !== index + 1 || typeof ops[index].version !== 'number') {
    throw new Error('node-zookeeper-client internals changed: Transaction#ops not as expected');
  }
  ops[index].version = version;
}

/**
 * Drops the current connection (the library reconnects within the same session). No-op when
 * the client is not connected.
 */
export function dropConnection(client: zookeeper.Client): void {
  const cm = connectionManager(client);
  if (cm.state === CM.CONNECTED || cm.state === CM.CONNECTED_READ_ONLY) cm.socket?.destroy();
}

/**
 * Abandons a pending connection attempt (the library then tries the next server). Returns
 * false, doing nothing, when the client is not in the middle of one.
 */
export function abandonConnectAttempt(client: zookeeper.Client): boolean {
  const cm = connectionManager(client);
  if (cm.state !== CM.CONNECTING || cm.socket === undefined || cm.socket.destroyed) return false;
  // The library's own TCP connect timer would otherwise fire on the next attempt's socket.
  if (cm.connectTimeoutHandler) clearTimeout(cm.connectTimeoutHandler);
  cm.socket.destroy();
  return true;
}

/**
 * Stops a library client for good: sends CLOSE_SESSION when it is connected (best effort: the
 * server then deletes the session's ephemeral nodes at once), stops its reconnect loop and
 * destroys its socket. With `graceMs` > 0 and a live connection, first waits up to `graceMs` for
 * the server to answer the close and hang up.
 */
export async function shutdownLibraryClient(
  client: zookeeper.Client,
  graceMs: number,
): Promise<void> {
  const cm = connectionManager(client);
  // The library opens its first socket on the next tick after connect(); close() before that
  // would dereference a missing socket. Let that tick run first.
  if (cm.socket === undefined) await new Promise<void>((resolve) => setImmediate(resolve));
  const finished =
    cm.state === CM.CLOSED ||
    cm.state === CM.SESSION_EXPIRED ||
    cm.state === CM.AUTHENTICATION_FAILED;
  const connected = cm.state === CM.CONNECTED || cm.state === CM.CONNECTED_READ_ONLY;
  if (!finished && cm.state !== CM.CLOSING) client.close();
  const socket = cm.socket;
  if (connected && graceMs > 0 && socket !== undefined && !socket.destroyed) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  if (cm.connectTimeoutHandler) clearTimeout(cm.connectTimeoutHandler);
  cm.socket?.destroy();
}
