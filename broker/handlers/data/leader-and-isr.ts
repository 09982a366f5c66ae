/**
 * LeaderAndIsr (api key 4), controller → broker: become leader or follower of these partitions.
 * A broker epoch below this broker's current one is refused with STALE_BROKER_EPOCH (KIP-380,
 * checked here as in Kafka's KafkaApis); everything else — controller-epoch fencing, leader-epoch
 * checks per partition, making leaders and followers — is ReplicaManager.becomeLeaderOrFollower.
 *
 * Once the change is applied, the group coordinator hears of every `__consumer_offsets` partition
 * that changed without error (Kafka's onLeadershipChange): led here → onElection (it loads the
 * partition's groups), led elsewhere → onResignation (it unloads them).
 */
import type { Logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import { GROUP_METADATA_TOPIC_NAME } from '../../coordinator/group/group-partition';
import type { RequestHandler } from '../../network/socket-server';
import type { LeaderAndIsrRequest, LeaderAndIsrResponse } from '../../replica/replica-manager';
import { type DataHandlerServices, staleBrokerEpochResponse } from './services';

export function leaderAndIsrHandler(
  services: DataHandlerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.LeaderAndIsr> {
  return async (request) => {
    const stale = staleBrokerEpochResponse(services, log, 'LeaderAndIsr', request);
    if (stale !== undefined) return stale;
    const response = await services.replicaManager.becomeLeaderOrFollower(request);
    notifyGroupCoordinator(services, request, response);
    return response;
  };
}

function notifyGroupCoordinator(
  services: DataHandlerServices,
  request: LeaderAndIsrRequest,
  response: LeaderAndIsrResponse,
): void {
  const coordinator = services.groupCoordinator;
  if (coordinator === undefined) return;
  const failed = new Set(
    (response.partitionErrors ?? [])
      .filter((e) => e.topicName === GROUP_METADATA_TOPIC_NAME && (e.errorCode ?? 0) !== 0)
      .map((e) => e.partitionIndex ?? -1),
  );
  if ((response.errorCode ?? 0) !== 0) return;
  for (const topic of request.topicStates ?? []) {
    if (topic.topicName !== GROUP_METADATA_TOPIC_NAME) continue;
    for (const state of topic.partitionStates ?? []) {
      const partition = state.partitionIndex ?? 0;
      if (failed.has(partition)) continue;
      const leaderEpoch = state.leaderEpoch ?? 0;
      if (state.leader === services.brokerId) coordinator.onElection(partition, leaderEpoch);
      else coordinator.onResignation(partition, leaderEpoch);
    }
  }
}
