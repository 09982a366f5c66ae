/**
 * StopReplica (api key 5), controller → broker: stop replicating these partitions and, with
 * delete_partition, delete their logs. A broker epoch below this broker's current one is refused
 * with STALE_BROKER_EPOCH (KIP-380); the rest is ReplicaManager.stopReplicas.
 */
import type { Logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import type { RequestHandler } from '../../network/socket-server';
import { type DataHandlerServices, isBrokerEpochStale } from './services';

export function stopReplicaHandler(
  services: DataHandlerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.StopReplica> {
  return async (request) => {
    if (isBrokerEpochStale(services, request.brokerEpoch)) {
      log.info(
        `Received StopReplica request with broker epoch ${request.brokerEpoch} smaller than ` +
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
    return services.replicaManager.stopReplicas(request);
  };
}
