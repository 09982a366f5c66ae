/**
 * `/controller_epoch` (persistent): the controller epoch as **plain decimal text** (`5`), not
 * JSON. Kafka: `ControllerEpochZNode`.
 *
 * Created with `0` when missing (2.1+); each successful election sets it to old + 1 with a
 * conditional set on the zkVersion just read, inside the same multi that creates `/controller`.
 * Its **zkVersion** is the fencing token of every later controller write: each one is a multi
 * whose first op is `check(/controller_epoch, expectedZkVersion)` (KAFKA-6082). Nobody watches it.
 */
import { NON_NEGATIVE_INT32, ZkDataError, describeValue, readText, verify } from '../json';
import { ZnodeMode } from './mode';

export const MODE: ZnodeMode = 'persistent';

/** The value a missing `/controller_epoch` is created with; the first controller gets 1. */
export const INITIAL_CONTROLLER_EPOCH = 0;

/** `/controller_epoch`. */
export function path(): string {
  return '/controller_epoch';
}

export function encode(epoch: number): Buffer {
  return verify(Buffer.from(String(epoch), 'utf8'), path(), decode);
}

export function decode(bytes: Buffer, where = path()): number {
  const text = readText(bytes, where);
  if (!/^[0-9]{1,10}$/.test(text) || Number(text) > NON_NEGATIVE_INT32.max) {
    throw new ZkDataError(
      `${where}: expected a decimal epoch in [0, 2147483647], got ${describeValue(text)}`,
    );
  }
  return Number(text);
}
