/**
 * ZooKeeper errors as typed samsa errors: the table of ZooKeeper's error codes (numbered as in
 * `org.apache.zookeeper.KeeperException.Code`, named as node-zookeeper-client names them), and
 * `ZkError`, which carries the code name, the znode path, for a multi the index of the failing
 * operation, and whether a write's outcome is unknown (it may or may not have been applied).
 */
import { SamsaError } from '../../client/errors';

/**
 * ZooKeeper's error codes that node-zookeeper-client 1.1.3 can report. `retriable` marks the
 * transient ones: the request may be sent again once the connection is back.
 */
const codes = {
  SYSTEM_ERROR: { code: -1, retriable: false },
  RUNTIME_INCONSISTENCY: { code: -2, retriable: false },
  DATA_INCONSISTENCY: { code: -3, retriable: false },
  CONNECTION_LOSS: { code: -4, retriable: true },
  MARSHALLING_ERROR: { code: -5, retriable: false },
  UNIMPLEMENTED: { code: -6, retriable: false },
  OPERATION_TIMEOUT: { code: -7, retriable: true },
  BAD_ARGUMENTS: { code: -8, retriable: false },
  API_ERROR: { code: -100, retriable: false },
  NO_NODE: { code: -101, retriable: false },
  NO_AUTH: { code: -102, retriable: false },
  BAD_VERSION: { code: -103, retriable: false },
  NO_CHILDREN_FOR_EPHEMERALS: { code: -108, retriable: false },
  NODE_EXISTS: { code: -110, retriable: false },
  NOT_EMPTY: { code: -111, retriable: false },
  SESSION_EXPIRED: { code: -112, retriable: false },
  INVALID_CALLBACK: { code: -113, retriable: false },
  INVALID_ACL: { code: -114, retriable: false },
  AUTH_FAILED: { code: -115, retriable: false },
} as const;

/**
 * A ZooKeeper error name, or `CLIENT_CLOSED`: samsa's own code for a request made to (or still
 * pending in) a `ZkClient` that its owner closed. ZooKeeper has no code for that.
 */
export type ZkErrorCode = keyof typeof codes | 'CLIENT_CLOSED';

/** The name of a numeric ZooKeeper error code, or undefined for a code not in the table. */
export function zkErrorName(code: number): ZkErrorCode | undefined {
  for (const [name, info] of Object.entries(codes)) {
    if (info.code === code) return name as keyof typeof codes;
  }
  return undefined;
}

/** True for the codes that say a connection or session ended, not that the server refused. */
export function isConnectionError(code: ZkErrorCode): boolean {
  return code === 'CONNECTION_LOSS' || code === 'SESSION_EXPIRED' || code === 'CLIENT_CLOSED';
}

export interface ZkErrorDetails {
  /** The znode the request was about. */
  path?: string;
  /** For a failed multi: the index of the operation that failed. */
  opIndex?: number;
  /**
   * True when a write failed in a way that does not say whether ZooKeeper applied it (the
   * connection or session ended after the request was sent). Re-read to find out.
   */
  outcomeUnknown?: boolean;
  /** Free text appended to the message. */
  detail?: string;
  cause?: unknown;
}

/** An error reported by ZooKeeper or by the client: `code` is ZooKeeper's error name. */
export class ZkError extends SamsaError {
  readonly code: ZkErrorCode;
  readonly path?: string;
  readonly opIndex?: number;
  readonly outcomeUnknown: boolean;
  /** The free-text part of the message, if any. */
  readonly detail?: string;

  constructor(code: ZkErrorCode, details: ZkErrorDetails = {}) {
    const where = details.path !== undefined ? ` ${details.path}` : '';
    const op = details.opIndex !== undefined ? ` (multi op ${details.opIndex})` : '';
    const detail = details.detail !== undefined ? `: ${details.detail}` : '';
    const unknown = details.outcomeUnknown === true ? ' (outcome unknown: re-read to check)' : '';
    super(`${code}${where}${op}${detail}${unknown}`, {
      retriable: code === 'CLIENT_CLOSED' ? false : codes[code].retriable,
      cause: details.cause,
    });
    this.code = code;
    this.path = details.path;
    this.opIndex = details.opIndex;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
    this.detail = details.detail;
  }
}

/**
 * The error of a checked ephemeral registration when another live session owns the node
 * (for a broker registration: a duplicate `broker.id`).
 */
export class EphemeralNodeExistsError extends ZkError {
  /** The session id (hex, as `ZkClient.sessionId` formats it) that owns the node. */
  readonly owner: string | null;

  constructor(path: string, owner: string | null) {
    super('NODE_EXISTS', {
      path,
      detail:
        owner === null
          ? 'a persistent node is in the way'
          : `owned by another live session ${owner}`,
    });
    this.owner = owner;
  }
}

/**
 * The ZkError for an error raised by node-zookeeper-client: its `Exception` objects carry a
 * numeric `code`; anything else (a bug, an assertion inside the library) is wrapped as
 * SYSTEM_ERROR with the original as cause.
 */
export function fromLibraryError(error: unknown, details: ZkErrorDetails = {}): ZkError {
  if (error instanceof ZkError) return error;
  const code =
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'number'
      ? zkErrorName((error as { code: number }).code)
      : undefined;
  if (code !== undefined) return new ZkError(code, { ...details, cause: error });
  const text = error instanceof Error ? error.message : String(error);
  return new ZkError('SYSTEM_ERROR', { ...details, detail: text, cause: error });
}
