/**
 * Produce (api key 0): appends each partition's record batches on its leader through
 * ReplicaManager.appendRecords and answers per partition (base offset, log start offset, error).
 * The batches stay opaque bytes (a view into the request frame); the log validates their headers
 * and writes them with one write per partition.
 *
 * With acks=0 there is no response; if any partition failed, the connection is closed instead
 * (as Kafka does), so the producer notices and refreshes its metadata.
 *
 * Internal topics (`__consumer_offsets`, ...) are written by their coordinators, not by clients:
 * a Produce to one is refused with INVALID_TOPIC_EXCEPTION and nothing is appended, unless it
 * comes from Kafka's admin client id `__admin_client` (Kafka's `internalTopicsAllowed`).
 */
import { KafkaError } from '../../../client/errors';
import { ApiKey, type ResponseInit } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import type { RequestHandler } from '../../network/socket-server';
import { INTERNAL_TOPICS } from '../../metadata/metadata-cache';
import type { ProducePartitionResult } from '../../replica/delayed-produce';
import type { ProduceEntry } from '../../replica/replica-manager';
import { type DataHandlerServices, asBuffer } from './services';

type ProduceResponse = ResponseInit<typeof ApiKey.Produce>;

/** The client id of Kafka's own admin tools, which may write to internal topics. */
const ADMIN_CLIENT_ID = '__admin_client';

export function produceHandler(
  services: DataHandlerServices,
): RequestHandler<typeof ApiKey.Produce> {
  return async (request, context) => {
    const internalAllowed = context.clientId === ADMIN_CLIENT_ID;
    const entries: ProduceEntry[] = [];
    const refused = new Map<number, ProducePartitionResult>();
    for (const topic of request.topicData) {
      for (const data of topic.partitionData) {
        const topicPartition = { topic: topic.name, partition: data.index };
        if (!internalAllowed && INTERNAL_TOPICS.has(topic.name)) {
          refused.set(entries.length + refused.size, {
            topicPartition,
            error: 'INVALID_TOPIC_EXCEPTION',
            errorMessage: `Cannot append to internal topic ${topic.name}`,
            baseOffset: -1,
            logAppendTimeMs: -1,
            logStartOffset: -1,
          });
          continue;
        }
        entries.push({ topicPartition, records: asBuffer(data.records) });
      }
    }
    const appended =
      entries.length === 0
        ? []
        : await services.replicaManager.appendRecords({
            timeoutMs: request.timeoutMs,
            requiredAcks: request.acks,
            entries,
          });
    const results: ProducePartitionResult[] = [];
    for (let next = 0; results.length < appended.length + refused.size;) {
      results.push(refused.get(results.length) ?? appended[next++]);
    }
    if (request.acks === 0) {
      const failed = results.filter((r) => r.error !== 'NONE');
      if (failed.length === 0) return null;
      const first = failed[0];
      throw new KafkaError(
        first.error,
        `acks=0 produce failed for ${failed.length} partition(s), closing the connection so the producer notices`,
        first.topicPartition,
      );
    }
    const response: ProduceResponse = { responses: [] };
    let i = 0;
    for (const topic of request.topicData) {
      const partitionResponses = topic.partitionData.map(() => {
        const r = results[i++];
        return {
          index: r.topicPartition.partition,
          errorCode: errorByName(r.error).code,
          baseOffset: r.baseOffset,
          logAppendTimeMs: r.logAppendTimeMs,
          logStartOffset: r.logStartOffset,
          ...(r.errorMessage !== undefined && r.error !== 'NONE'
            ? { errorMessage: r.errorMessage }
            : {}),
        };
      });
      response.responses?.push({ name: topic.name, partitionResponses });
    }
    return response;
  };
}
