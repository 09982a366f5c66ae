/**
 * StopReplica (api key 5), controller → broker: stop replicating these partitions and, with
 * delete_partition, delete their logs. A broker epoch below this broker's current one is refused
 * with STALE_BROKER_EPOCH (KIP-380); the rest is ReplicaManager.stopReplicas.
 */
import type { Logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import type { RequestHandler } from '../../network/socket-server';
import { type DataHandlerServices, staleBrokerEpochResponse } from './services';

export function stopReplicaHandler(
  services: DataHandlerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.StopReplica> {
  return async (request) =>
    staleBrokerEpochResponse(services, log, 'StopReplica', request) ??
    services.replicaManager.stopReplicas(request);
}
