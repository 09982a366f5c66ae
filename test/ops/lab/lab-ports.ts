/**
 * Ports for lab tests: the lab lays broker ports out consecutively from a base (and ZooKeeper's
 * quorum and election ports at +1000 and +2000), so a test needs a run of free ports.
 */
import net from 'node:net';
import { freePort } from '../../harness';

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** A port P with P..P+count-1 free, low enough that P+2000+count stays a valid port. */
export async function freeRun(count: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base + 2000 + count > 65535) continue;
    const rest = await Promise.all(
      Array.from({ length: count - 1 }, (_, i) => isFree(base + i + 1)),
    );
    if (rest.every(Boolean)) return base;
  }
}
