/**
 * LeaderAndIsr (api key 4), controller → broker: become leader or follower of these partitions.
 * A broker epoch below this broker's current one is refused with STALE_BROKER_EPOCH (KIP-380,
 * checked here as in Kafka's KafkaApis); everything else — controller-epoch fencing, leader-epoch
 * checks per partition, making leaders and followers — is ReplicaManager.becomeLeaderOrFollower.
 */
import type { Logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import type { RequestHandler } from '../../network/socket-server';
import { type DataHandlerServices, staleBrokerEpochResponse } from './services';

export function leaderAndIsrHandler(
  services: DataHandlerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.LeaderAndIsr> {
  return async (request) =>
    staleBrokerEpochResponse(services, log, 'LeaderAndIsr', request) ??
    services.replicaManager.becomeLeaderOrFollower(request);
}
