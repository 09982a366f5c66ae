/**
 * What the data-plane handlers need of a broker: a narrow view of BrokerServices, so that tests
 * can wire the handlers to a ReplicaManager without a controller.
 */
import type { BrokerServices } from '../../server/broker-services';

export type DataHandlerServices = Pick<
  BrokerServices,
  'brokerId' | 'brokerEpoch' | 'metadataCache' | 'replicaManager'
>;

/** AbstractControlRequest.UNKNOWN_BROKER_EPOCH: a controller request that does not say. */
export const UNKNOWN_BROKER_EPOCH = -1;

/**
 * KIP-380: a controller request carrying a broker epoch below this broker's current one was
 * meant for an earlier registration of this broker id.
 */
export function isBrokerEpochStale(services: DataHandlerServices, requestEpoch: number): boolean {
  return requestEpoch !== UNKNOWN_BROKER_EPOCH && requestEpoch < services.brokerEpoch();
}

/** A protobuf `bytes` field as a Buffer view (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
