/**
 * ZooKeeper's four-letter words: the client sends four ASCII letters (`srvr`, `ruok`, `mntr`, ...)
 * on a fresh TCP connection to the client port, and the server writes a plain-text answer and
 * closes the connection. This module sends them and parses the `srvr` answer, which is how the
 * launcher learns whether a node serves and in which mode.
 *
 * `srvr` answer (ZooKeeper 3.8), one `Key: value` per line:
 *   Zookeeper version: 3.8.0-..., built on ...
 *   Latency min/avg/max: 0/0.0/0
 *   Received: 3 / Sent: 2 / Connections: 1 / Outstanding: 0
 *   Zxid: 0x100000002
 *   Mode: leader | follower | observer | standalone
 *   Node count: 5
 * A node without quorum answers `This ZooKeeper instance is not currently serving requests`; a
 * word missing from `4lw.commands.whitelist` gets `<word> is not executed because it is not in the
 * whitelist.`
 */
import net from 'node:net';
import { SamsaError } from '../../client/errors';

/** How a node answered `srvr`. */
export type ServingMode = 'leader' | 'follower' | 'observer' | 'standalone';

export type SrvrAnswer =
  | { serving: true; mode: ServingMode; version?: string; zxid?: string; nodeCount?: number }
  | { serving: false; reason: string; refused?: boolean };

const SERVING_MODES: readonly string[] = ['leader', 'follower', 'observer', 'standalone'];

/** Sends a four-letter word and resolves with the whole answer. */
export function fourLetterWord(
  host: string,
  port: number,
  word: string,
  timeoutMs = 2000,
): Promise<string> {
  if (!/^[a-z]{4}$/.test(word)) {
    return Promise.reject(new SamsaError(`not a four-letter word: '${word}'`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy(
        new SamsaError(`no answer to '${word}' from ${host}:${port} within ${timeoutMs}ms`, {
          retriable: true,
        }),
      );
    }, timeoutMs);
    socket.on('connect', () => socket.end(word));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Parses the answer to `srvr`. */
export function parseSrvr(text: string): SrvrAnswer {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const mode = fields.get('Mode');
  if (mode === undefined || !SERVING_MODES.includes(mode)) {
    const reason = text.trim().split('\n')[0] || 'empty answer';
    return { serving: false, reason: mode === undefined ? reason : `unknown mode '${mode}'` };
  }
  const nodeCount = fields.get('Node count');
  return {
    serving: true,
    mode: mode as ServingMode,
    version: fields.get('Zookeeper version'),
    zxid: fields.get('Zxid'),
    nodeCount: nodeCount === undefined ? undefined : Number(nodeCount),
  };
}

/** Asks one node `srvr`; any failure (refused, timeout, not serving) is a non-serving answer. */
export async function askSrvr(host: string, port: number, timeoutMs = 2000): Promise<SrvrAnswer> {
  try {
    return parseSrvr(await fourLetterWord(host, port, 'srvr', timeoutMs));
  } catch (error) {
    const refused = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    return {
      serving: false,
      reason: error instanceof Error ? error.message : String(error),
      refused,
    };
  }
}
