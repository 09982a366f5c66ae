/**
 * CreatePartitions (api key 37), answered by the active controller only (NOT_CONTROLLER
 * elsewhere). A topic named twice → INVALID_REQUEST; a topic queued for deletion →
 * INVALID_TOPIC_EXCEPTION. Otherwise broker/admin/admin-zk.ts `addPartitions` checks the new count
 * (INVALID_PARTITIONS unless it is an increase) and the assignment of the new partitions — given,
 * one list per new partition, or computed over every registered broker as Kafka does — and
 * rewrites `/brokers/topics/<t>` (nothing with `validate_only`). The response then waits, like
 * CreateTopics, until every partition of the topic has a leader in the metadata cache, at most
 * `timeout_ms` (then REQUEST_TIMED_OUT; the partitions are added all the same).
 */
import type { Logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import type { samsa } from '../../../client/protocol/generated/messages';
import { validateTopicName } from '../../../zk-schema/znodes/names';
import type { RequestHandler } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';
import { addPartitions, isTopicMarkedForDeletion, registeredBrokerIds } from '../../admin/admin-zk';
import { ApiError, NO_ERROR, apiError, errorOf } from './api-error';
import { allHaveLeaders, awaitMetadata } from './await-metadata';

type Result = samsa.CreatePartitionsResponse.Result.$Properties;

export function createPartitionsHandler(
  services: BrokerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.CreatePartitions> {
  const cache = services.metadataCache;
  return async (request) => {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results: Result[] = [];
    const grown: { name: string; partitions: number[] }[] = [];
    const active = services.controller.isActive();
    let brokers: number[] | undefined;
    for (const topic of request.topics) {
      const name = topic.name;
      if ((counts.get(name) ?? 0) > 1) {
        results.push(result(name, errorOf('INVALID_REQUEST', 'Duplicate topic in request.')));
        continue;
      }
      if (!active) {
        results.push(result(name, errorOf('NOT_CONTROLLER')));
        continue;
      }
      try {
        validateTopicName(name);
        if (await isTopicMarkedForDeletion(services.zk, name)) {
          results.push(
            result(name, errorOf('INVALID_TOPIC_EXCEPTION', 'The topic is queued for deletion.')),
          );
          continue;
        }
        brokers ??= await registeredBrokerIds(services.zk);
        const assignment = await addPartitions(services, name, topic.count, brokers, {
          replicaAssignment:
            topic.assignments.length > 0 ? topic.assignments.map((a) => a.brokerIds) : undefined,
          validateOnly: request.validateOnly,
        });
        results.push(result(name, NO_ERROR));
        grown.push({ name, partitions: [...assignment.keys()] });
      } catch (error) {
        results.push(result(name, apiError(error, log, `CreatePartitions for topic ${name}`)));
      }
    }
    if (request.validateOnly || grown.length === 0) return { results };
    const allLeaders = (): boolean =>
      grown.every((t) => allHaveLeaders(cache, t.name, t.partitions));
    await awaitMetadata(cache, allLeaders, request.timeoutMs);
    for (const r of results) {
      const topic = grown.find((t) => t.name === r.name);
      if (topic !== undefined && !allHaveLeaders(cache, topic.name, topic.partitions)) {
        Object.assign(r, errorOf('REQUEST_TIMED_OUT'));
      }
    }
    return { results };
  };
}

function result(name: string, error: ApiError): Result {
  const r: Result = { name, errorCode: error.errorCode };
  if (error.errorMessage !== null) r.errorMessage = error.errorMessage;
  return r;
}
