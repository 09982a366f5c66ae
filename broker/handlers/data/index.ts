/**
 * The data-plane API handlers, one module per API, registered on the broker's socket server by
 * `registerDataHandlers` (KafkaServer calls it before the listeners open): Produce, Fetch,
 * ListOffsets, OffsetsForLeaderEpoch, and the controller's LeaderAndIsr and StopReplica. Each is
 * a thin translation between the wire messages and the ReplicaManager (broker/replica).
 */
import { logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import type { SocketServer } from '../../network/socket-server';
import { fetchHandler } from './fetch';
import { leaderAndIsrHandler } from './leader-and-isr';
import { listOffsetsHandler } from './list-offsets';
import { offsetsForLeaderEpochHandler } from './offsets-for-leader-epoch';
import { produceHandler } from './produce';
import type { DataHandlerServices } from './services';
import { stopReplicaHandler } from './stop-replica';

export type { DataHandlerServices } from './services';

export function registerDataHandlers(server: SocketServer, services: DataHandlerServices): void {
  const log = logger(`KafkaApis broker=${services.brokerId}`);
  server
    .handle(ApiKey.Produce, produceHandler(services))
    .handle(ApiKey.Fetch, fetchHandler(services))
    .handle(ApiKey.ListOffsets, listOffsetsHandler(services))
    .handle(ApiKey.OffsetsForLeaderEpoch, offsetsForLeaderEpochHandler(services))
    .handle(ApiKey.LeaderAndIsr, leaderAndIsrHandler(services, log))
    .handle(ApiKey.StopReplica, stopReplicaHandler(services, log));
}
