/**
 * FindCoordinator (api key 10), answered by every broker: the coordinator of a group is the
 * leader of `__consumer_offsets` partition abs(hash(groupId)) % partitions, found in this broker's
 * metadata cache, with its endpoint on the listener the request came on.
 *
 * When `__consumer_offsets` does not exist yet it is created here (broker/admin/
 * auto-topic-creation.ts, with as many replicas as live brokers allow), and the answer is
 * COORDINATOR_NOT_AVAILABLE, as it is while the partition has no live leader: the client asks
 * again. Key type 1 (transactions) is INVALID_REQUEST: samsa has no transaction coordinator.
 */
import { ApiKey, type ResponseInit } from '../../../client/protocol/apis';
import { type ErrorName, errorByName } from '../../../client/protocol/error-codes';
import type { AutoTopicCreationManager } from '../../admin/auto-topic-creation';
import { GROUP_METADATA_TOPIC_NAME } from '../../coordinator/group/group-partition';
import { NO_LEADER } from '../../metadata/metadata-cache';
import type { RequestHandler } from '../../network/socket-server';
import { type GroupHandlerServices, code } from './services';

type FindCoordinatorResponse = ResponseInit<typeof ApiKey.FindCoordinator>;

const GROUP_KEY_TYPE = 0;

function failed(error: ErrorName, message?: string): FindCoordinatorResponse {
  return {
    errorCode: code(error),
    errorMessage: message ?? errorByName(error).message,
    nodeId: -1,
    host: '',
    port: -1,
  };
}

export function findCoordinatorHandler(
  services: GroupHandlerServices,
  autoTopicCreation: AutoTopicCreationManager,
): RequestHandler<typeof ApiKey.FindCoordinator> {
  const cache = services.metadataCache;
  return async (request, context) => {
    if (request.keyType !== GROUP_KEY_TYPE) {
      return failed(
        'INVALID_REQUEST',
        request.keyType === 1
          ? 'samsa has no transaction coordinator'
          : `Unknown coordinator type ${request.keyType} in FindCoordinator request`,
      );
    }
    const listener = context.connection.listenerName;
    const partition = services.groupCoordinator.partitionFor(request.key);
    const [topic] = cache.topicMetadata([GROUP_METADATA_TOPIC_NAME], listener);
    if (topic === undefined) {
      await autoTopicCreation.createTopics([GROUP_METADATA_TOPIC_NAME]);
      return failed('COORDINATOR_NOT_AVAILABLE');
    }
    const leader = (topic.partitions ?? []).find((p) => p.partitionIndex === partition)?.leaderId;
    const endpoint =
      leader === undefined || leader === null || leader === NO_LEADER
        ? undefined
        : cache.aliveEndpoint(leader, listener);
    if (leader === undefined || leader === null || endpoint === undefined) {
      return failed('COORDINATOR_NOT_AVAILABLE');
    }
    return { errorCode: 0, nodeId: leader, host: endpoint.host, port: endpoint.port };
  };
}
