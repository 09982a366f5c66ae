/**
 * What the group API handlers need of a broker: a narrow view of BrokerServices, plus the
 * helpers they share (the client host as Kafka shows it, group coordinator errors as codes).
 */
import { type ErrorName, errorByName } from '../../../client/protocol/error-codes';
import type { BrokerServices } from '../../server/broker-services';

export type GroupHandlerServices = Pick<
  BrokerServices,
  'config' | 'zk' | 'metadataCache' | 'groupCoordinator'
>;

/** The numeric code of an error name. */
export function code(error: ErrorName): number {
  return errorByName(error).code;
}

/**
 * A client's host as Kafka reports it (Java's InetAddress.toString of the peer: `/127.0.0.1`);
 * an IPv4 address seen through an IPv6 socket (`::ffff:127.0.0.1`) is shown as IPv4.
 */
export function clientHost(remoteAddress: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  return `/${mapped === null ? remoteAddress : mapped[1]}`;
}

/** A protobuf `bytes` field copied out of the request frame (kept beyond the request). */
export function ownBytes(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes);
}
