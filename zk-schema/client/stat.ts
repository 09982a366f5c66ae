/**
 * Znode metadata (`Stat`) and session ids in typed form.
 *
 * ZooKeeper's Stat record carries six 64-bit longs; node-zookeeper-client hands them over as
 * 8-byte big-endian Buffers. Here:
 * - zxids (`czxid`, `mzxid`, `pzxid`) are `bigint`: the czxid of `/brokers/ids/<id>` is Kafka's
 *   broker epoch, a 64-bit value whose high 32 bits are the ZooKeeper leader epoch, so it is kept
 *   exact rather than assumed to stay below 2^53;
 * - `ctime` / `mtime` are numbers: milliseconds since 1970, far below 2^53;
 * - `ephemeralOwner` and session ids are strings formatted the way ZooKeeper logs them
 *   (`0x` + lowercase hex without leading zeros, e.g. `0x1000a6c7d2e0003`), so they can be
 *   compared with each other and grepped in ZooKeeper's log. A persistent node has no owner
 *   (null).
 */

/** Metadata of one znode. */
export interface ZkStat {
  /** zxid of the transaction that created the node. */
  czxid: bigint;
  /** zxid of the last change to the node's data. */
  mzxid: bigint;
  /** zxid of the last change to the node's children. */
  pzxid: bigint;
  /** Creation time, ms since the epoch. */
  ctime: number;
  /** Time of the last data change, ms since the epoch. */
  mtime: number;
  /** Data version (zkVersion): the number of data changes. */
  version: number;
  /** Child version: the number of changes to the children. */
  cversion: number;
  /** ACL version: the number of ACL changes. */
  aversion: number;
  /** The owning session of an ephemeral node; null for a persistent node. */
  ephemeralOwner: string | null;
  dataLength: number;
  numChildren: number;
}

/** The Stat shape node-zookeeper-client produces (longs as 8-byte Buffers). */
export interface LibraryStat {
  czxid: Buffer;
  mzxid: Buffer;
  ctime: Buffer;
  mtime: Buffer;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: Buffer;
  dataLength: number;
  numChildren: number;
  pzxid: Buffer;
}

function long(value: Buffer, field: string): bigint {
  if (!Buffer.isBuffer(value) || value.length !== 8) {
    throw new TypeError(`Stat.${field} must be an 8-byte buffer`);
  }
  return value.readBigInt64BE(0);
}

/** A session id (8-byte buffer or bigint) as `0x...` hex; 0 (no session) gives null. */
export function formatSessionId(id: Buffer | bigint): string | null {
  const value = typeof id === 'bigint' ? BigInt.asUintN(64, id) : id.readBigUInt64BE(0);
  return value === 0n ? null : `0x${value.toString(16)}`;
}

/** Converts node-zookeeper-client's Stat into a ZkStat. */
export function toStat(raw: LibraryStat): ZkStat {
  return {
    czxid: long(raw.czxid, 'czxid'),
    mzxid: long(raw.mzxid, 'mzxid'),
    pzxid: long(raw.pzxid, 'pzxid'),
    ctime: Number(long(raw.ctime, 'ctime')),
    mtime: Number(long(raw.mtime, 'mtime')),
    version: raw.version,
    cversion: raw.cversion,
    aversion: raw.aversion,
    ephemeralOwner: formatSessionId(raw.ephemeralOwner),
    dataLength: raw.dataLength,
    numChildren: raw.numChildren,
  };
}
