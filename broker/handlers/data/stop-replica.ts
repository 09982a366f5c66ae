/**
 * StopReplica (api key 5), controller → broker: stop replicating these partitions and, with
 * delete_partition, delete their logs. A broker epoch below this broker's current one is refused
 * with STALE_BROKER_EPOCH (KIP-380); the rest is ReplicaManager.stopReplicas.
 *
 * A `__consumer_offsets` partition stopped without error is no longer coordinated here: the group
 * coordinator unloads its groups (onResignation; a leader epoch of -1 or -2, "unknown" or "topic
 * being deleted", is passed as unknown).
 */
import type { Logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import { GROUP_METADATA_TOPIC_NAME } from '../../coordinator/group/group-partition';
import type { RequestHandler } from '../../network/socket-server';
import type { StopReplicaRequest, StopReplicaResponse } from '../../replica/replica-manager';
import { type DataHandlerServices, staleBrokerEpochResponse } from './services';

export function stopReplicaHandler(
  services: DataHandlerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.StopReplica> {
  return async (request) => {
    const stale = staleBrokerEpochResponse(services, log, 'StopReplica', request);
    if (stale !== undefined) return stale;
    const response = await services.replicaManager.stopReplicas(request);
    notifyGroupCoordinator(services, request, response);
    return response;
  };
}

function notifyGroupCoordinator(
  services: DataHandlerServices,
  request: StopReplicaRequest,
  response: StopReplicaResponse,
): void {
  const coordinator = services.groupCoordinator;
  if (coordinator === undefined || (response.errorCode ?? 0) !== 0) return;
  const failed = new Set(
    (response.partitionErrors ?? [])
      .filter((e) => e.topicName === GROUP_METADATA_TOPIC_NAME && (e.errorCode ?? 0) !== 0)
      .map((e) => e.partitionIndex ?? -1),
  );
  for (const topic of request.topicStates ?? []) {
    if (topic.topicName !== GROUP_METADATA_TOPIC_NAME) continue;
    for (const state of topic.partitionStates ?? []) {
      const partition = state.partitionIndex ?? 0;
      if (failed.has(partition)) continue;
      const epoch = state.leaderEpoch ?? -1;
      coordinator.onResignation(partition, epoch >= 0 ? epoch : undefined);
    }
  }
}
