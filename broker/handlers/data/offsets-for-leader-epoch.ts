/**
 * OffsetsForLeaderEpoch (api key 23): per partition, the largest leader epoch ≤ the one asked
 * that the leader knows and that epoch's end offset (Log.endOffsetForEpoch; KIP-101, KIP-279) —
 * what a follower truncates to. UNDEFINED (-1, -1) when the leader has no such epoch. The
 * request's current_leader_epoch is checked (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH); only
 * the leader answers, except for debugging tools (replica_id -2).
 */
import { ApiKey, type ResponseInit } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import type { RequestHandler } from '../../network/socket-server';
import { DEBUGGING_REPLICA_ID } from '../../replica/replica-manager';
import type { DataHandlerServices } from './services';

type OffsetsForLeaderEpochResponse = ResponseInit<typeof ApiKey.OffsetsForLeaderEpoch>;

export function offsetsForLeaderEpochHandler(
  services: DataHandlerServices,
): RequestHandler<typeof ApiKey.OffsetsForLeaderEpoch> {
  return async (request) => {
    const leaderOnly = request.replicaId !== DEBUGGING_REPLICA_ID;
    const response: OffsetsForLeaderEpochResponse = {
      topics: request.topics.map((topic) => ({
        topic: topic.topic,
        partitions: topic.partitions.map((p) => {
          const r = services.replicaManager.lastOffsetForLeaderEpoch(
            { topic: topic.topic, partition: p.partition },
            p.currentLeaderEpoch,
            p.leaderEpoch,
            leaderOnly,
          );
          return {
            errorCode: errorByName(r.error).code,
            partition: p.partition,
            leaderEpoch: r.leaderEpoch,
            endOffset: r.endOffset,
          };
        }),
      })),
    };
    return response;
  };
}
