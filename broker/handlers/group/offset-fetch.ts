/**
 * OffsetFetch (api key 9): GroupCoordinator.fetchOffsets — the listed partitions (or, with
 * all_topics, every partition the group has committed), grouped by topic in the order asked or
 * found. A partition without a committed offset answers -1. A group-level error (coordinator not
 * available, loading, not the coordinator) is the response's error code, with no partitions.
 */
import { ApiKey, type ResponseInit } from '../../../client/protocol/apis';
import type { RequestHandler } from '../../network/socket-server';
import { type GroupHandlerServices, code } from './services';

type OffsetFetchResponse = ResponseInit<typeof ApiKey.OffsetFetch>;
type ResponseTopic = NonNullable<OffsetFetchResponse['topics']>[number];

export function offsetFetchHandler(
  services: GroupHandlerServices,
): RequestHandler<typeof ApiKey.OffsetFetch> {
  return async (request) => {
    const partitions = request.allTopics
      ? undefined
      : request.topics.flatMap((t) =>
          t.partitionIndexes.map((partition) => ({ topic: t.name, partition })),
        );
    const result = services.groupCoordinator.fetchOffsets(
      request.groupId,
      request.requireStable,
      partitions,
    );
    const topics = new Map<string, ResponseTopic>();
    for (const o of result.offsets) {
      let topic = topics.get(o.topic);
      if (topic === undefined) {
        topic = { name: o.topic, partitions: [] };
        topics.set(o.topic, topic);
      }
      topic.partitions?.push({
        partitionIndex: o.partition,
        committedOffset: o.offset,
        committedLeaderEpoch: o.leaderEpoch,
        metadata: o.metadata,
        errorCode: code(o.error),
      });
    }
    return { errorCode: code(result.error), topics: [...topics.values()] };
  };
}
