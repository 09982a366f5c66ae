/**
 * Test helpers for the network layer: a logger that records its lines, waiting for a condition
 * with a deadline, and small loopback servers.
 */
import net from 'net';
import { Writable } from 'stream';
import winston from 'winston';
import type { Logger } from '../../../client/logging';

/** A logger that keeps every line (level included) instead of printing it. */
export function captureLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString().trim());
      callback();
    },
  });
  const log = winston.createLogger({
    level: 'debug',
    format: winston.format.printf(({ level, message }) => `${level.toUpperCase()} ${message}`),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { log, lines };
}

/** Resolves once `condition` holds; fails after `timeoutMs`. */
export async function eventually(
  condition: () => boolean,
  description: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting until ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Starts `server` on a free loopback port; resolves to the port. */
export function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** Closes `server` and every socket in `sockets`. */
export function closeServer(server: net.Server, sockets: Iterable<net.Socket> = []): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A raw client socket to 127.0.0.1:port, connected. */
export function rawSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves once `socket` is closed (by either side). */
export function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}

/** A promise with its resolve function, for handlers a test finishes by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
