/**
 * A TCP proxy in front of one real ZooKeeper server that injects network faults for a client's
 * connections, so that session-liveness tests do not need to freeze a shared ensemble:
 *
 * - `silenceExisting()`: every open connection goes silent in both directions (like a server
 *   that stopped answering), while the proxy keeps sending ZooKeeper pings upstream on it, so the
 *   server keeps those sessions alive for as long as the proxy runs — deterministically leaving
 *   an "old session" behind, as a partition or ZOOKEEPER-2985 does;
 * - `deafenExisting()`: every open connection still carries requests to the server, but the
 *   server's replies are dropped — writes are applied while the client hears nothing;
 * - `blackholeNew(count?)`: new connections (all, or the next `count`) are accepted but never
 *   forwarded — what a client sees from a SIGSTOPped server, whose kernel still completes TCP
 *   handshakes; `heal()` lets new connections through again.
 *
 * The client→server stream is framed as ZooKeeper frames it (4-byte big-endian length, then the
 * record), so a ping is only ever inserted between two whole frames. A ping is the frame
 * `length 8, xid -2, type 11 (PING)`.
 */
import net from 'node:net';

const PING = Buffer.from([0, 0, 0, 8, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 11]);

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
  silent: boolean;
  /** Replies are dropped; requests still pass. */
  deaf: boolean;
  /** Client bytes not yet forwarded (an incomplete frame). */
  pending: Buffer;
  framesForwarded: number;
  pinger: ReturnType<typeof setInterval> | null;
}

export class ZkFaultProxy {
  private readonly pairs = new Set<Pair>();
  private blackholed = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly upstreamHost: string,
    private readonly upstreamPort: number,
    private readonly pingIntervalMs: number,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Starts a proxy on a free loopback port in front of `upstream` (`host:port`). */
  static async start(upstream: string, pingIntervalMs = 200): Promise<ZkFaultProxy> {
    const colon = upstream.lastIndexOf(':');
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new ZkFaultProxy(
      server,
      upstream.slice(0, colon),
      Number(upstream.slice(colon + 1)),
      pingIntervalMs,
    );
  }

  /** `127.0.0.1:<port>`, to put in a connect string. */
  get address(): string {
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  silenceExisting(): void {
    for (const pair of this.pairs) {
      if (pair.silent) continue;
      pair.silent = true;
      pair.pending = Buffer.alloc(0);
      const upstream = pair.upstream;
      if (upstream !== null && pair.framesForwarded > 0) {
        pair.pinger = setInterval(() => upstream.write(PING), this.pingIntervalMs);
      }
    }
  }

  deafenExisting(): void {
    for (const pair of this.pairs) pair.deaf = true;
  }

  blackholeNew(count = Number.POSITIVE_INFINITY): void {
    this.blackholed = count;
  }

  heal(): void {
    this.blackholed = 0;
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) this.drop(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const pair: Pair = {
      client,
      upstream: null,
      silent: this.blackholed > 0,
      deaf: false,
      pending: Buffer.alloc(0),
      framesForwarded: 0,
      pinger: null,
    };
    this.pairs.add(pair);
    if (pair.silent) this.blackholed -= 1;
    client.on('error', () => undefined);
    if (!pair.silent) {
      const upstream = net.connect(this.upstreamPort, this.upstreamHost);
      pair.upstream = upstream;
      upstream.on('error', () => undefined);
      upstream.on('data', (chunk) => {
        if (!pair.silent && !pair.deaf) client.write(chunk);
      });
      upstream.on('close', () => {
        if (pair.pinger !== null) clearInterval(pair.pinger);
        pair.pinger = null;
        if (!pair.silent) this.drop(pair);
      });
    }
    client.on('data', (chunk) => {
      if (pair.silent || pair.upstream === null) return;
      pair.pending = Buffer.concat([pair.pending, chunk]);
      let whole = 0;
      while (pair.pending.length - whole >= 4) {
        const size = 4 + pair.pending.readInt32BE(whole);
        if (pair.pending.length - whole < size) break;
        whole += size;
        pair.framesForwarded += 1;
      }
      if (whole > 0) {
        pair.upstream.write(pair.pending.subarray(0, whole));
        pair.pending = pair.pending.subarray(whole);
      }
    });
    // A silenced connection keeps its upstream (and its pings) when the client hangs up.
    client.on('close', () => {
      if (!pair.silent) this.drop(pair);
    });
  }

  private drop(pair: Pair): void {
    if (pair.pinger !== null) clearInterval(pair.pinger);
    pair.client.destroy();
    pair.upstream?.destroy();
    this.pairs.delete(pair);
  }
}
