/**
 * ZooKeeper `multi`: typed operations, their translation into a node-zookeeper-client
 * Transaction, and the translation of the reply.
 *
 * A multi is all-or-nothing. When it fails, ZooKeeper answers with one result per op: OK for the
 * ops before the failing one, the error for the failing op, RUNTIME_INCONSISTENCY for those
 * after it. `multiFailure` turns that into a ZkError naming the failing op's index and path.
 *
 * Expected versions: 0 is sent as 0. The library would send it as -1 ("any version"; see
 * library-internals.ts), which makes a fenced write on a znode at version 0 succeed when it must
 * fail.
 */
import zookeeper from 'node-zookeeper-client';
import { toLibraryAcl, OPEN_ACL_UNSAFE, ZkAcl } from './acl';
import { ZkError, zkErrorName } from './errors';
import { setQueuedVersion } from './library-internals';
import { validateData, validatePath, validateVersion } from './request-checks';
import { LibraryStat, toStat, ZkStat } from './stat';

export type CreateMode =
  'persistent' | 'ephemeral' | 'persistent_sequential' | 'ephemeral_sequential';

const createModes: Record<CreateMode, number> = {
  persistent: zookeeper.CreateMode.PERSISTENT,
  ephemeral: zookeeper.CreateMode.EPHEMERAL,
  persistent_sequential: zookeeper.CreateMode.PERSISTENT_SEQUENTIAL,
  ephemeral_sequential: zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
};

/** node-zookeeper-client's number for a create mode (throws BAD_ARGUMENTS on an unknown one). */
export function libraryCreateMode(mode: CreateMode): number {
  const value = createModes[mode];
  if (value === undefined) {
    throw new ZkError('BAD_ARGUMENTS', { detail: `unknown create mode "${String(mode)}"` });
  }
  return value;
}

export function isSequential(mode: CreateMode): boolean {
  return mode === 'persistent_sequential' || mode === 'ephemeral_sequential';
}

export function isEphemeral(mode: CreateMode): boolean {
  return mode === 'ephemeral' || mode === 'ephemeral_sequential';
}

/** One operation of a multi. `version` is the expected zkVersion; -1 means any. */
export type ZkOp =
  | {
      type: 'create';
      path: string;
      data: Buffer | null;
      mode: CreateMode;
      acl: readonly ZkAcl[];
    }
  | { type: 'setData'; path: string; data: Buffer; version: number }
  | { type: 'delete'; path: string; version: number }
  | { type: 'check'; path: string; version: number };

/** The result of one operation of a successful multi. */
export type ZkOpResult =
  | { type: 'create'; path: string }
  | { type: 'setData'; stat: ZkStat }
  | { type: 'delete' }
  | { type: 'check' };

/** Builders for multi operations, e.g. `[Op.check('/controller_epoch', 3), Op.setData(...)]`. */
export const Op = {
  create(
    path: string,
    data: Buffer | null = null,
    options: { mode?: CreateMode; acl?: readonly ZkAcl[] } = {},
  ): ZkOp {
    return {
      type: 'create',
      path,
      data,
      mode: options.mode ?? 'persistent',
      acl: options.acl ?? OPEN_ACL_UNSAFE,
    };
  },
  setData(path: string, data: Buffer, version = -1): ZkOp {
    return { type: 'setData', path, data, version };
  },
  delete(path: string, version = -1): ZkOp {
    return { type: 'delete', path, version };
  },
  check(path: string, version: number): ZkOp {
    return { type: 'check', path, version };
  },
};

function describe(op: ZkOp): string {
  switch (op.type) {
    case 'create':
      return `create ${op.mode}`;
    case 'setData':
      return `setData version ${op.version}`;
    case 'delete':
      return `delete version ${op.version}`;
    case 'check':
      return `check version ${op.version}`;
  }
}

/** Checks every op's arguments (BAD_ARGUMENTS naming the op index on the first bad one). */
export function validateOps(ops: readonly ZkOp[]): void {
  ops.forEach((op, index) => {
    try {
      validatePath(op.path);
      switch (op.type) {
        case 'create':
          validateData(op.data, op.path);
          libraryCreateMode(op.mode);
          toLibraryAcl(op.acl);
          break;
        case 'setData':
          if (op.data === null) {
            throw new ZkError('BAD_ARGUMENTS', { detail: 'setData needs a Buffer' });
          }
          validateData(op.data, op.path);
          validateVersion(op.version, op.path);
          break;
        case 'delete':
        case 'check':
          validateVersion(op.version, op.path);
          break;
        default:
          throw new ZkError('BAD_ARGUMENTS', {
            detail: `unknown op type "${String((op as { type: unknown }).type)}"`,
          });
      }
    } catch (error) {
      if (error instanceof ZkError) {
        throw new ZkError(error.code, {
          path: op.path,
          opIndex: index,
          detail: error.detail,
        });
      }
      throw error;
    }
  });
}

/** Queues `ops` on a library Transaction, with expected versions sent exactly as given. */
export function fillTransaction(tx: zookeeper.Transaction, ops: readonly ZkOp[]): void {
  ops.forEach((op, index) => {
    switch (op.type) {
      case 'create': {
        const acl = toLibraryAcl(op.acl);
        const mode = libraryCreateMode(op.mode);
        if (op.data === null) tx.create(op.path, acl, mode);
        else tx.create(op.path, op.data, acl, mode);
        return;
      }
      case 'setData':
        tx.setData(op.path, op.data, op.version);
        break;
      case 'delete':
        tx.remove(op.path, op.version);
        break;
      case 'check':
        tx.check(op.path, op.version);
        break;
    }
    setQueuedVersion(tx, index, op.version);
  });
}

/** A raw per-op result from node-zookeeper-client's Transaction. */
export interface LibraryOpResult {
  type: number;
  path?: string;
  stat?: LibraryStat;
  err?: number;
}

/** Maps a successful multi's raw results onto the ops. */
export function multiResults(ops: readonly ZkOp[], raw: readonly LibraryOpResult[]): ZkOpResult[] {
  if (raw.length !== ops.length) {
    throw new ZkError('MARSHALLING_ERROR', {
      detail: `multi of ${ops.length} ops answered with ${raw.length} results`,
    });
  }
  return ops.map((op, index): ZkOpResult => {
    switch (op.type) {
      case 'create':
        return { type: 'create', path: raw[index].path ?? op.path };
      case 'setData': {
        const stat = raw[index].stat;
        if (stat === undefined) {
          throw new ZkError('MARSHALLING_ERROR', {
            path: op.path,
            detail: 'setData result without stat',
          });
        }
        return { type: 'setData', stat: toStat(stat) };
      }
      case 'delete':
        return { type: 'delete' };
      case 'check':
        return { type: 'check' };
    }
  });
}

const OK = 0;
const RUNTIME_INCONSISTENCY = -2;

/**
 * The ZkError of a failed multi: the code and index of the op that failed. Returns null when no
 * result carries an error (then the failure was not the server's: the caller has the cause).
 */
export function multiFailure(
  ops: readonly ZkOp[],
  raw: readonly LibraryOpResult[],
): ZkError | null {
  const index = raw.findIndex(
    (r) => r.err !== undefined && r.err !== OK && r.err !== RUNTIME_INCONSISTENCY,
  );
  if (index === -1) return null;
  const code = zkErrorName(raw[index].err as number) ?? 'SYSTEM_ERROR';
  const op = ops[index];
  return new ZkError(code, {
    path: op?.path,
    opIndex: index,
    detail: op === undefined ? undefined : `${describe(op)} failed; nothing was changed`,
  });
}
