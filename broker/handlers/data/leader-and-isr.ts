/**
 * LeaderAndIsr (api key 4), controller → broker: become leader or follower of these partitions.
 * A broker epoch below this broker's current one is refused with STALE_BROKER_EPOCH (KIP-380,
 * checked here as in Kafka's KafkaApis); everything else — controller-epoch fencing, leader-epoch
 * checks per partition, making leaders and followers — is ReplicaManager.becomeLeaderOrFollower.
 */
import type { Logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import type { RequestHandler } from '../../network/socket-server';
import { type DataHandlerServices, isBrokerEpochStale } from './services';

export function leaderAndIsrHandler(
  services: DataHandlerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.LeaderAndIsr> {
  return async (request) => {
    if (isBrokerEpochStale(services, request.brokerEpoch)) {
      log.info(
        `Received LeaderAndIsr request with broker epoch ${request.brokerEpoch} smaller than ` +
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
    return services.replicaManager.becomeLeaderOrFollower(request);
  };
}
