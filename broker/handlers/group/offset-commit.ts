/**
 * OffsetCommit (api key 8): GroupCoordinator.commitOffsets, answered per partition once the
 * commit is written to `__consumer_offsets` (acks as offsets.commit.required.acks). A partition
 * this broker's metadata does not know is UNKNOWN_TOPIC_OR_PARTITION and is not stored; a missing
 * metadata string is stored as "".
 */
import { ApiKey, type ResponseInit } from '../../../client/protocol/apis';
import type { ErrorName } from '../../../client/protocol/error-codes';
import { topicPartitionKey } from '../../coordinator/group/offset-and-metadata';
import type { RequestHandler } from '../../network/socket-server';
import { type GroupHandlerServices, code } from './services';

type OffsetCommitResponse = ResponseInit<typeof ApiKey.OffsetCommit>;

export function offsetCommitHandler(
  services: GroupHandlerServices,
): RequestHandler<typeof ApiKey.OffsetCommit> {
  const cache = services.metadataCache;
  return async (request) => {
    const unknown = new Set<string>();
    const offsets: {
      topic: string;
      partition: number;
      offset: number;
      leaderEpoch: number;
      metadata: string;
    }[] = [];
    for (const topic of request.topics) {
      for (const p of topic.partitions) {
        if (cache.partitionState(topic.name, p.partitionIndex) === undefined) {
          unknown.add(topicPartitionKey(topic.name, p.partitionIndex));
        } else {
          offsets.push({
            topic: topic.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch,
            metadata: p.committedMetadata ?? '',
          });
        }
      }
    }
    const errors: Map<string, ErrorName> =
      offsets.length === 0
        ? new Map()
        : await services.groupCoordinator.commitOffsets({
            groupId: request.groupId,
            memberId: request.memberId,
            groupInstanceId: request.groupInstanceId ?? null,
            generationId: request.generationId,
            offsets,
          });
    const response: OffsetCommitResponse = {
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => {
          const key = topicPartitionKey(topic.name, p.partitionIndex);
          const error = unknown.has(key)
            ? 'UNKNOWN_TOPIC_OR_PARTITION'
            : (errors.get(key) ?? 'UNKNOWN_SERVER_ERROR');
          return { partitionIndex: p.partitionIndex, errorCode: code(error) };
        }),
      })),
    };
    return response;
  };
}
