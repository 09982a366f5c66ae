/**
 * AlterPartitionReassignments (api key 45, KIP-455): start, change or cancel (`cancel`, Kafka's
 * null replicas) partition reassignments. Answered by the active controller only
 * (NOT_CONTROLLER, for the whole request, elsewhere). The controller answers per partition once
 * the reassignment is recorded in `/brokers/topics/<t>` and started — not when it completes:
 * NONE, INVALID_REPLICA_ASSIGNMENT (empty list, duplicates, negative ids, replicas to add on
 * brokers that are not alive), UNKNOWN_TOPIC_OR_PARTITION, NO_REASSIGNMENT_IN_PROGRESS (a cancel
 * with nothing to cancel). A partition named twice counts once, with its last entry.
 */
import type { Logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import type { samsa } from '../../../client/protocol/generated/messages';
import type { RequestHandler } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';
import { TpMap } from '../../controller/topic-partition';

type TopicResponse = samsa.AlterPartitionReassignmentsResponse.Topic.$Properties;

export function alterPartitionReassignmentsHandler(
  services: BrokerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.AlterPartitionReassignments> {
  return async (request) => {
    if (!services.controller.isActive()) {
      return { errorCode: errorByName('NOT_CONTROLLER').code, responses: [] };
    }
    const reassignments = new TpMap<readonly number[] | null>();
    for (const topic of request.topics) {
      for (const p of topic.partitions) {
        reassignments.set(
          { topic: topic.name, partition: p.partitionIndex },
          p.cancel ? null : [...p.replicas],
        );
      }
    }
    const result = await services.controller.alterPartitionReassignments(reassignments);
    if (result.error.error !== 'NONE') {
      const response: samsa.AlterPartitionReassignmentsResponse.$Properties = {
        errorCode: errorByName(result.error.error).code,
        responses: [],
      };
      if (result.error.message !== null) response.errorMessage = result.error.message;
      return response;
    }
    const byTopic = new Map<string, TopicResponse>();
    for (const [tp, outcome] of result.partitions) {
      let topic = byTopic.get(tp.topic);
      if (topic === undefined) {
        topic = { name: tp.topic, partitions: [] };
        byTopic.set(tp.topic, topic);
      }
      const partition: samsa.AlterPartitionReassignmentsResponse.Partition.$Properties = {
        partitionIndex: tp.partition,
        errorCode: errorByName(outcome.error).code,
      };
      if (outcome.message !== null) partition.errorMessage = outcome.message;
      topic.partitions?.push(partition);
    }
    log.debug(`AlterPartitionReassignments for ${reassignments.size} partitions answered`);
    return { errorCode: 0, responses: [...byTopic.values()] };
  };
}
