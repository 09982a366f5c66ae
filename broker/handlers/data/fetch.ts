/**
 * Fetch (api key 1), from consumers (replica_id -1) and follower replicas (replica_id = their
 * broker id): ReplicaManager.fetchMessages reads each partition's batches straight from a segment
 * slice into the response (no per-record work), within max_bytes / partition_max_bytes, waiting
 * up to max_wait_ms for min_bytes. Consumers read below the high watermark, followers up to the
 * log end offset. The socket server writes the response with one socket write.
 */
import { ApiKey, type ResponseInit } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import type { RequestHandler } from '../../network/socket-server';
import type { FetchPartitionPosition } from '../../replica/delayed-fetch';
import type { DataHandlerServices } from './services';

type FetchResponse = ResponseInit<typeof ApiKey.Fetch>;

export function fetchHandler(services: DataHandlerServices): RequestHandler<typeof ApiKey.Fetch> {
  return async (request) => {
    const isFollower = request.replicaId >= 0;
    const partitions: FetchPartitionPosition[] = [];
    for (const topic of request.topics) {
      for (const p of topic.partitions) {
        partitions.push({
          topicPartition: { topic: topic.topic, partition: p.partition },
          fetchOffset: p.fetchOffset,
          currentLeaderEpoch: p.currentLeaderEpoch,
          maxBytes: p.partitionMaxBytes,
          logStartOffset: isFollower ? p.logStartOffset : -1,
        });
      }
    }
    const results = await services.replicaManager.fetchMessages({
      replicaId: request.replicaId,
      maxWaitMs: request.maxWaitMs,
      minBytes: request.minBytes,
      maxBytes: request.maxBytes,
      partitions,
    });
    const response: FetchResponse = { errorCode: 0, responses: [] };
    let i = 0;
    for (const topic of request.topics) {
      response.responses?.push({
        topic: topic.topic,
        partitions: topic.partitions.map(() => {
          const r = results[i++];
          return {
            partition: r.topicPartition.partition,
            errorCode: errorByName(r.error).code,
            highWatermark: r.highWatermark,
            lastStableOffset: r.lastStableOffset,
            logStartOffset: r.logStartOffset,
            preferredReadReplica: -1,
            records: r.records,
          };
        }),
      });
    }
    return response;
  };
}
