/**
 * `/latest_producer_id_block` (persistent): the block of producer ids most recently claimed by a
 * broker (for idempotent and transactional producers). Kafka: `ProducerIdBlockZNode`,
 * `ProducerIdManager`.
 *
 * Payload, version 1; `block_start` and `block_end` are **strings**, both inclusive, 1000 apart:
 *   {"version":1,"broker":2,"block_start":"3000","block_end":"3999"}
 * Created empty at broker startup (empty data decodes to null: no block claimed yet). Each
 * broker claims a block at startup and whenever its block runs out: read data + zkVersion,
 * compute `nextBlock`, conditional set on that zkVersion, retry on BADVERSION. Nobody watches it.
 */
import {
  NON_NEGATIVE_INT32,
  NON_NEGATIVE_SAFE_LONG,
  ZkDataError,
  encodeVerified,
  isEmptyData,
  parseJsonObject,
} from '../json';
import { ZnodeMode } from './mode';

export const MODE: ZnodeMode = 'persistent';
export const VERSION = 1;
/** Producer ids per block (`ProducerIdManager.PidBlockSize`). */
export const BLOCK_SIZE = 1000;

export interface ProducerIdBlock {
  /** The broker that claimed the block. */
  brokerId: number;
  blockStart: number;
  blockEnd: number;
}

/** `/latest_producer_id_block`. */
export function path(): string {
  return '/latest_producer_id_block';
}

/** The block `brokerId` claims after `current` (or the first block, 0..999). */
export function nextBlock(current: ProducerIdBlock | null, brokerId: number): ProducerIdBlock {
  const blockStart = current === null ? 0 : current.blockEnd + 1;
  const blockEnd = blockStart + BLOCK_SIZE - 1;
  if (blockEnd > NON_NEGATIVE_SAFE_LONG.max) {
    throw new ZkDataError(
      `${path()}: producer ids exhausted (last block ends at ${current?.blockEnd})`,
    );
  }
  return { brokerId, blockStart, blockEnd };
}

export function encode(value: ProducerIdBlock): Buffer {
  return encodeVerified(
    {
      version: VERSION,
      broker: value.brokerId,
      block_start: String(value.blockStart),
      block_end: String(value.blockEnd),
    },
    path(),
    decode,
  );
}

/** The block in the znode, or null when the znode is still empty. */
export function decode(bytes: Buffer, where = path()): ProducerIdBlock | null {
  if (isEmptyData(bytes)) return null;
  const json = parseJsonObject(bytes, where);
  json.version([VERSION]);
  const blockStart = json.get('block_start').decimalString(NON_NEGATIVE_SAFE_LONG);
  const endField = json.get('block_end');
  const blockEnd = endField.decimalString(NON_NEGATIVE_SAFE_LONG);
  if (blockEnd < blockStart)
    throw endField.error(`block_end ${blockEnd} is below block_start ${blockStart}`);
  return { brokerId: json.get('broker').int(NON_NEGATIVE_INT32), blockStart, blockEnd };
}
