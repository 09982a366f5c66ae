/**
 * ListOffsets (api key 2): per partition, the offset for a timestamp, or the latest (-1) /
 * earliest (-2) offset (ReplicaManager.fetchOffsetForTimestamp). Consumers (replica_id -1) get
 * the high watermark as the latest offset and OFFSET_NOT_AVAILABLE from a new leader whose high
 * watermark has not reached its epoch's start (KIP-207); followers get the log end offset. Only
 * the leader answers, except for debugging tools (replica_id -2), which any replica answers.
 */
import { ApiKey, type ResponseInit } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import { samsa } from '../../../client/protocol/generated/messages';
import type { RequestHandler } from '../../network/socket-server';
import { CONSUMER_REPLICA_ID, DEBUGGING_REPLICA_ID } from '../../replica/replica-manager';
import type { DataHandlerServices } from './services';

type ListOffsetsResponse = ResponseInit<typeof ApiKey.ListOffsets>;

export function listOffsetsHandler(
  services: DataHandlerServices,
): RequestHandler<typeof ApiKey.ListOffsets> {
  return async (request) => {
    const isolation =
      request.replicaId !== CONSUMER_REPLICA_ID
        ? undefined
        : request.isolationLevel === samsa.IsolationLevel.READ_COMMITTED
          ? 'read_committed'
          : 'read_uncommitted';
    const leaderOnly = request.replicaId !== DEBUGGING_REPLICA_ID;
    const topics: ListOffsetsResponse['topics'] = await Promise.all(
      request.topics.map(async (topic) => ({
        name: topic.name,
        partitions: await Promise.all(
          topic.partitions.map(async (p) => {
            const r = await services.replicaManager.fetchOffsetForTimestamp(
              { topic: topic.name, partition: p.partitionIndex },
              p.timestamp,
              isolation,
              p.currentLeaderEpoch,
              leaderOnly,
            );
            return {
              partitionIndex: p.partitionIndex,
              errorCode: errorByName(r.error).code,
              timestamp: r.timestamp,
              offset: r.offset,
              leaderEpoch: r.leaderEpoch,
            };
          }),
        ),
      })),
    );
    return { topics };
  };
}
