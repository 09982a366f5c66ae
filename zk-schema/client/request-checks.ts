/**
 * Argument checks run before a request reaches node-zookeeper-client, so that bad input is a
 * one-line BAD_ARGUMENTS ZkError rather than an assertion thrown from inside the library.
 */
import { ZkError } from './errors';
import { pathProblem } from './znode-path';

/** The largest znode payload accepted (node-zookeeper-client's limit; ZooKeeper's jute.maxbuffer is about the same). */
export const MAX_DATA_BYTES = 1024 * 1024;

export function validatePath(path: string): void {
  const problem = pathProblem(path);
  if (problem !== null) throw new ZkError('BAD_ARGUMENTS', { detail: problem });
}

/** An expected zkVersion: -1 (any version) or a non-negative 32-bit integer. */
export function validateVersion(version: number, path: string): void {
  if (!Number.isInteger(version) || version < -1 || version > 0x7fffffff) {
    throw new ZkError('BAD_ARGUMENTS', {
      path,
      detail: `expected version must be -1 or a non-negative integer, got ${String(version)}`,
    });
  }
}

/** Znode data: a Buffer of at most MAX_DATA_BYTES, or null (no data) where allowed. */
export function validateData(data: Buffer | null, path: string): void {
  if (data === null) return;
  if (!Buffer.isBuffer(data)) {
    throw new ZkError('BAD_ARGUMENTS', { path, detail: 'znode data must be a Buffer or null' });
  }
  if (data.length > MAX_DATA_BYTES) {
    throw new ZkError('BAD_ARGUMENTS', {
      path,
      detail: `znode data is ${data.length} bytes, more than ${MAX_DATA_BYTES}`,
    });
  }
}
