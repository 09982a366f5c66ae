/**
 * What the data-plane handlers need of a broker: a narrow view of BrokerServices, so that tests
 * can wire the handlers to a ReplicaManager without a controller (nor a group coordinator).
 */
import type { Logger } from '../../../client/logging';
import { errorByName } from '../../../client/protocol/error-codes';
import type { BrokerServices } from '../../server/broker-services';

/**
 * Who hears of `__consumer_offsets` leadership changes once LeaderAndIsr / StopReplica are
 * applied (Kafka's onLeadershipChange callback): the group coordinator.
 */
export interface CoordinatorLeadershipListener {
  onElection(partition: number, leaderEpoch: number): void;
  onResignation(partition: number, leaderEpoch: number | undefined): void;
}

export type DataHandlerServices = Pick<
  BrokerServices,
  'brokerId' | 'brokerEpoch' | 'metadataCache' | 'replicaManager'
> & {
  /** Absent where no group coordinator runs (handler tests). */
  readonly groupCoordinator?: CoordinatorLeadershipListener;
};

/** AbstractControlRequest.UNKNOWN_BROKER_EPOCH: a controller request that does not say. */
export const UNKNOWN_BROKER_EPOCH = -1;

/**
 * KIP-380: a controller request carrying a broker epoch below this broker's current one was
 * meant for an earlier registration of this broker id.
 */
function isBrokerEpochStale(services: DataHandlerServices, requestEpoch: number): boolean {
  return requestEpoch !== UNKNOWN_BROKER_EPOCH && requestEpoch < services.brokerEpoch();
}

/** The partition-addressed shape LeaderAndIsr and StopReplica requests share. */
interface PartitionScopedControlRequest {
  brokerEpoch: number;
  topicStates: { topicName: string; partitionStates: { partitionIndex: number }[] }[];
}

/**
 * The STALE_BROKER_EPOCH response (every partition refused) when a controller request is meant
 * for an earlier registration of this broker; undefined when the epoch is current.
 */
export function staleBrokerEpochResponse(
  services: DataHandlerServices,
  log: Logger,
  apiName: string,
  request: PartitionScopedControlRequest,
):
  | {
      errorCode: number;
      partitionErrors: { topicName: string; partitionIndex: number; errorCode: number }[];
    }
  | undefined {
  if (!isBrokerEpochStale(services, request.brokerEpoch)) return undefined;
  log.info(
    `Received ${apiName} request with broker epoch ${request.brokerEpoch} smaller than ` +
      `the current broker epoch ${services.brokerEpoch()}`,
  );
  const stale = errorByName('STALE_BROKER_EPOCH').code;
  return {
    errorCode: stale,
    partitionErrors: request.topicStates.flatMap((t) =>
      t.partitionStates.map((p) => ({
        topicName: t.topicName,
        partitionIndex: p.partitionIndex,
        errorCode: stale,
      })),
    ),
  };
}

/** A protobuf `bytes` field as a Buffer view (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
