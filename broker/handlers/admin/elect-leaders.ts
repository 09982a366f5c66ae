/**
 * ElectLeaders (api key 43, KIP-460): preferred or unclean leader elections, answered by the
 * active controller only (NOT_CONTROLLER elsewhere, for the whole request and each partition).
 * `all_partitions` means every partition in this broker's metadata cache, and then partitions
 * that needed no election are left out of the answer (Kafka's KafkaApis).
 *
 * The controller runs the elections (KafkaController.electLeaders, Kafka's per-partition errors:
 * ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE,
 * UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION). The answer then waits (Kafka's
 * DelayedElectLeader) until this broker's metadata cache shows each elected leader, at most
 * `timeout_ms`; partitions still waiting then get REQUEST_TIMED_OUT (their election stands).
 */
import type { Logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import type { samsa } from '../../../client/protocol/generated/messages';
import type { MetadataCache } from '../../metadata/metadata-cache';
import type { RequestHandler } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';
import { ElectionOutcome, electionTypeOf } from '../../controller/replica-election';
import { TopicPartition, TpMap } from '../../controller/topic-partition';
import { awaitMetadata } from './await-metadata';

type Result = samsa.ElectLeadersResponse.Result.$Properties;

export function electLeadersHandler(
  services: BrokerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.ElectLeaders> {
  const cache = services.metadataCache;
  return async (request) => {
    const asked = request.allPartitions
      ? allPartitions(cache)
      : distinct(
          request.topicPartitions.flatMap((t) =>
            t.partitions.map((partition) => ({ topic: t.topic, partition })),
          ),
        );
    const electionType = electionTypeOf(request.electionType);
    if (electionType === undefined) {
      const message = `Unknown election type ${request.electionType}`;
      return answer('INVALID_REQUEST', uniform(asked, { error: 'INVALID_REQUEST', message }));
    }
    if (!services.controller.isActive()) {
      return answer('NOT_CONTROLLER', uniform(asked, { error: 'NOT_CONTROLLER', message: null }));
    }
    const outcomes = await services.controller.electLeaders(asked, electionType);
    log.debug(
      `ElectLeaders (${electionType}) for ${outcomes.size} partitions answered by the controller`,
    );
    const elected = [...outcomes].flatMap(([tp, o]) =>
      'leader' in o ? [{ tp, leader: o.leader }] : [],
    );
    const shown = (): boolean =>
      elected.every((e) => cache.partitionState(e.tp.topic, e.tp.partition)?.leader === e.leader);
    await awaitMetadata(cache, shown, request.timeoutMs);
    const results = new TpMap<ElectionOutcome>();
    for (const [tp, outcome] of outcomes) {
      if (
        'leader' in outcome &&
        cache.partitionState(tp.topic, tp.partition)?.leader !== outcome.leader
      ) {
        results.set(tp, { error: 'REQUEST_TIMED_OUT', message: null });
      } else if (!(
        request.allPartitions &&
        'error' in outcome &&
        outcome.error === 'ELECTION_NOT_NEEDED'
      )) {
        results.set(tp, outcome);
      }
    }
    return answer('NONE', results);
  };
}

function answer(
  error: 'NONE' | 'NOT_CONTROLLER' | 'INVALID_REQUEST',
  results: TpMap<ElectionOutcome>,
): samsa.ElectLeadersResponse.$Properties {
  const byTopic = new Map<string, Result>();
  for (const [tp, outcome] of results) {
    let topic = byTopic.get(tp.topic);
    if (topic === undefined) {
      topic = { topic: tp.topic, partitionResult: [] };
      byTopic.set(tp.topic, topic);
    }
    const partition: samsa.ElectLeadersResponse.PartitionResult.$Properties = {
      partitionId: tp.partition,
      errorCode: 'error' in outcome ? errorByName(outcome.error).code : 0,
    };
    if ('error' in outcome && outcome.message !== null) partition.errorMessage = outcome.message;
    topic.partitionResult?.push(partition);
  }
  return { errorCode: errorByName(error).code, replicaElectionResults: [...byTopic.values()] };
}

function uniform(
  partitions: readonly TopicPartition[],
  outcome: ElectionOutcome,
): TpMap<ElectionOutcome> {
  const results = new TpMap<ElectionOutcome>();
  for (const tp of partitions) results.set(tp, outcome);
  return results;
}

function allPartitions(cache: MetadataCache): TopicPartition[] {
  return cache
    .topics()
    .flatMap((topic) =>
      cache.partitionStates(topic).map((s) => ({ topic, partition: s.partition })),
    );
}

function distinct(partitions: TopicPartition[]): TopicPartition[] {
  const seen = new TpMap<true>();
  for (const tp of partitions) seen.set(tp, true);
  return [...seen.keys()];
}
