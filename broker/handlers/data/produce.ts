/**
 * Produce (api key 0): appends each partition's record batches on its leader through
 * ReplicaManager.appendRecords and answers per partition (base offset, log start offset, error).
 * The batches stay opaque bytes (a view into the request frame); the log validates their headers
 * and writes them with one write per partition.
 *
 * With acks=0 there is no response; if any partition failed, the connection is closed instead
 * (as Kafka does), so the producer notices and refreshes its metadata.
 */
import { KafkaError } from '../../../client/errors';
import { ApiKey, type ResponseInit } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import type { RequestHandler } from '../../network/socket-server';
import type { ProduceEntry } from '../../replica/replica-manager';
import { type DataHandlerServices, asBuffer } from './services';

type ProduceResponse = ResponseInit<typeof ApiKey.Produce>;

export function produceHandler(
  services: DataHandlerServices,
): RequestHandler<typeof ApiKey.Produce> {
  return async (request) => {
    const entries: ProduceEntry[] = [];
    for (const topic of request.topicData) {
      for (const data of topic.partitionData) {
        entries.push({
          topicPartition: { topic: topic.name, partition: data.index },
          records: asBuffer(data.records),
        });
      }
    }
    const results = await services.replicaManager.appendRecords({
      timeoutMs: request.timeoutMs,
      requiredAcks: request.acks,
      entries,
    });
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
