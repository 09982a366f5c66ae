/**
 * Metadata (api key 3): the live brokers (those with an endpoint on the listener the request came
 * on), the cluster id, the controller id and the requested topics' partitions, all from this
 * broker's MetadataCache (UpdateMetadata keeps it current), so every broker gives the same answer.
 *
 * - `all_topics`: every topic the cache knows. An empty topic list without it: brokers and
 *   controller only.
 * - A named topic the cache does not know: auto-created when the request allows it and the broker
 *   has `auto.create.topics.enable=true` (broker/admin/auto-topic-creation.ts: the answer is then
 *   LEADER_NOT_AVAILABLE until the controller has elected leaders); otherwise
 *   UNKNOWN_TOPIC_OR_PARTITION, or INVALID_TOPIC_EXCEPTION for an illegal name.
 * Topics are answered in the order asked (each once), or by name for `all_topics`.
 */
import { ApiKey } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import { topicNameProblem } from '../../../zk-schema/znodes/names';
import type { RequestHandler } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';
import type { AutoTopicCreationManager } from '../../admin/auto-topic-creation';
import { INTERNAL_TOPICS, type MetadataTopic } from '../../metadata/metadata-cache';

export function metadataHandler(
  services: BrokerServices,
  autoTopicCreation: AutoTopicCreationManager,
): RequestHandler<typeof ApiKey.Metadata> {
  const cache = services.metadataCache;
  return async (request, context) => {
    const listener = context.connection.listenerName;
    let topics: MetadataTopic[];
    if (request.allTopics) {
      topics = cache.topicMetadata(null, listener);
    } else {
      const names = [...new Set(request.topics.map((t) => t.name))];
      const known = new Map(cache.topicMetadata(names, listener).map((t) => [t.name, t]));
      const missing = names.filter((name) => !known.has(name));
      let created: MetadataTopic[] = [];
      if (missing.length > 0) {
        created =
          request.allowAutoTopicCreation && services.config.autoCreateTopicsEnable
            ? await autoTopicCreation.createTopics(missing)
            : missing.map(unknownTopic);
      }
      for (const entry of created) known.set(entry.name as string, entry);
      topics = names.map((name) => known.get(name) as MetadataTopic);
    }
    return {
      brokers: cache.brokerMetadata(listener),
      clusterId: services.clusterId,
      controllerId: cache.controllerId(),
      topics,
    };
  };
}

function unknownTopic(name: string): MetadataTopic {
  const error =
    topicNameProblem(name) === undefined ? 'UNKNOWN_TOPIC_OR_PARTITION' : 'INVALID_TOPIC_EXCEPTION';
  return {
    errorCode: errorByName(error).code,
    name,
    isInternal: INTERNAL_TOPICS.has(name),
    partitions: [],
  };
}
