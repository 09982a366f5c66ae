/**
 * Session liveness on the monotonic clock: when to send a heartbeat, when a connection (or a
 * connection attempt) has gone silent, and when the session must be treated as expired.
 *
 * node-zookeeper-client reports session expiry only when a server tells it so after a reconnect;
 * while no server answers it reports nothing at all. Worse, it has no read timeout: a SIGSTOPped
 * server leaves an established connection looking healthy, and a connection attempt whose TCP
 * handshake succeeded but whose ZooKeeper handshake is never answered waits for ever instead of
 * trying the next server. ZooKeeper expires a session it has not heard from within the session
 * timeout, and the client only knows the server was alive at the last reply it got. So, with T
 * the session timeout (negotiated once established) and "silence" the time since the last reply:
 * - silence ≥ T/3 while connected: send a heartbeat request (any reply counts);
 * - silence ≥ 2T/3 while connected: the connection is dead: drop it so the library reconnects,
 *   possibly to another server, within the same session (the Java client's read timeout);
 * - a connection attempt pending for T / (number of servers): abandon it so the library tries
 *   the next server (the Java client's connect timeout);
 * - silence ≥ T once a session was established: the session is expired as far as this client
 *   can tell. The owner must stop acting on it (a controller resigns) and build a new session.
 *
 * This module only decides; `ZkClient` acts. Times are milliseconds from `performance.now()`.
 */

export type LivenessAction =
  'none' | 'heartbeat' | 'drop-connection' | 'abandon-attempt' | 'expire';

export class SessionLiveness {
  private timeoutMs: number;
  private readonly serverCount: number;
  private established = false;
  private connected = false;
  private lastHeard: number;
  private attemptStarted: number;
  private heartbeatOutstanding = false;
  private dropRequested = false;

  /**
   * `requestedTimeoutMs` counts until the server negotiates one; `now`: when the library
   * started connecting.
   */
  constructor(requestedTimeoutMs: number, serverCount: number, now: number) {
    this.timeoutMs = requestedTimeoutMs;
    this.serverCount = Math.max(1, serverCount);
    this.lastHeard = now;
    this.attemptStarted = now;
  }

  /** The session timeout in force (the negotiated one once a session exists). */
  get sessionTimeoutMs(): number {
    return this.timeoutMs;
  }

  /** How often `next` should be asked: often enough to act within a tenth of the timeout. */
  get checkIntervalMs(): number {
    return Math.max(10, Math.min(500, Math.floor(this.timeoutMs / 10)));
  }

  /** True once the server has granted the session. */
  get isEstablished(): boolean {
    return this.established;
  }

  /** Milliseconds since the server last answered. */
  silenceMs(now: number): number {
    return now - this.lastHeard;
  }

  /** A connection (re)established within the session, with the negotiated timeout. */
  onConnected(now: number, negotiatedTimeoutMs: number): void {
    this.established = true;
    this.connected = true;
    this.dropRequested = false;
    this.heartbeatOutstanding = false;
    if (negotiatedTimeoutMs > 0) this.timeoutMs = negotiatedTimeoutMs;
    this.onHeard(now);
  }

  /** The connection was lost; the library starts a new attempt. */
  onDisconnected(now: number): void {
    this.connected = false;
    this.heartbeatOutstanding = false;
    this.attemptStarted = now;
  }

  /** A reply arrived from the server (any reply, success or a ZooKeeper error). */
  onHeard(now: number): void {
    if (now > this.lastHeard) this.lastHeard = now;
  }

  onHeartbeatSent(): void {
    this.heartbeatOutstanding = true;
  }

  /** The heartbeat finished: `answered` when the server replied, false on connection loss. */
  onHeartbeatDone(now: number, answered: boolean): void {
    this.heartbeatOutstanding = false;
    if (answered) this.onHeard(now);
  }

  /**
   * What to do now. `drop-connection` is returned once per connection, `abandon-attempt` once
   * per T / servers while not connected.
   */
  next(now: number): LivenessAction {
    const silence = now - this.lastHeard;
    if (this.established && silence >= this.timeoutMs) return 'expire';
    if (!this.connected) {
      if (now - this.attemptStarted < this.timeoutMs / this.serverCount) return 'none';
      this.attemptStarted = now;
      return 'abandon-attempt';
    }
    if (silence >= (this.timeoutMs * 2) / 3) {
      if (this.dropRequested) return 'none';
      this.dropRequested = true;
      return 'drop-connection';
    }
    if (silence >= this.timeoutMs / 3 && !this.heartbeatOutstanding) return 'heartbeat';
    return 'none';
  }
}
