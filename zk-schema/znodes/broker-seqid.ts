/**
 * `/brokers/seqid` (persistent, no data): broker-id generation. Kafka: `BrokerSequenceIdZNode`.
 *
 * A broker that needs a generated id (`broker.id` < 0 and `broker.id.generation.enable=true`)
 * does an unconditional setData on this node and takes the *new zkVersion*, plus
 * `reserved.broker.max.id` (default 1000): generated ids are 1001, 1002, ... The result is saved
 * in `meta.properties`. Only the zkVersion matters; the data stays empty. Nobody watches it.
 */
import { ZkDataError, describeValue } from '../json';
import { brokersPath } from './broker-registration';
import { ZnodeMode } from './mode';

export const MODE: ZnodeMode = 'persistent';

/** Kafka's default `reserved.broker.max.id`. */
export const DEFAULT_RESERVED_BROKER_MAX_ID = 1000;

/** `/brokers/seqid`. */
export function path(): string {
  return `${brokersPath()}/seqid`;
}

/** The (empty) data written to `/brokers/seqid`. */
export function encode(): Buffer {
  return Buffer.alloc(0);
}

/** The broker id generated from the zkVersion returned by the setData on `/brokers/seqid`. */
export function generatedBrokerId(
  zkVersion: number,
  reservedBrokerMaxId = DEFAULT_RESERVED_BROKER_MAX_ID,
): number {
  const id = zkVersion + reservedBrokerMaxId;
  if (!Number.isInteger(zkVersion) || zkVersion < 1 || id > 2147483647) {
    throw new ZkDataError(
      `${path()}: cannot generate a broker id from zkVersion ${describeValue(zkVersion)}`,
    );
  }
  return id;
}
