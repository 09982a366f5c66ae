/**
 * ListPartitionReassignments (api key 46, KIP-455): the reassignments in progress — every one
 * (`all_topics`, Kafka's null topics) or those of the partitions named — with each partition's
 * full replica set (target first, then the replicas being removed), adding and removing replicas.
 * Answered by the active controller only (NOT_CONTROLLER elsewhere).
 */
import { ApiKey } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import type { samsa } from '../../../client/protocol/generated/messages';
import type { RequestHandler } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';

type TopicReassignments = samsa.ListPartitionReassignmentsResponse.Topic.$Properties;

export function listPartitionReassignmentsHandler(
  services: BrokerServices,
): RequestHandler<typeof ApiKey.ListPartitionReassignments> {
  return async (request) => {
    if (!services.controller.isActive()) {
      return { errorCode: errorByName('NOT_CONTROLLER').code, topics: [] };
    }
    const partitions = request.allTopics
      ? null
      : request.topics.flatMap((t) =>
          t.partitionIndexes.map((partition) => ({ topic: t.name, partition })),
        );
    const result = await services.controller.listPartitionReassignments(partitions);
    if (result.error.error !== 'NONE') {
      return { errorCode: errorByName(result.error.error).code, topics: [] };
    }
    const byTopic = new Map<string, TopicReassignments>();
    for (const [tp, assignment] of result.reassignments) {
      let topic = byTopic.get(tp.topic);
      if (topic === undefined) {
        topic = { name: tp.topic, partitions: [] };
        byTopic.set(tp.topic, topic);
      }
      topic.partitions?.push({
        partitionIndex: tp.partition,
        replicas: [...assignment.replicas],
        addingReplicas: [...assignment.addingReplicas],
        removingReplicas: [...assignment.removingReplicas],
      });
    }
    return { errorCode: 0, topics: [...byTopic.values()] };
  };
}
