/**
 * UpdateMetadata (api key 6), controller → every broker: fenced, then applied to the metadata
 * cache (Kafka's KafkaApis.handleUpdateMetadataRequest + ReplicaManager.maybeUpdateMetadataCache):
 * - a broker epoch below this broker's current one (the request was meant for an earlier
 *   registration of this broker id) → STALE_BROKER_EPOCH; -1 means "unknown" and passes;
 * - a controller epoch below the highest seen (a controller that has been replaced) →
 *   STALE_CONTROLLER_EPOCH;
 * - otherwise the cache takes the live brokers, controller id and partition states (see
 *   broker/metadata/metadata-cache.ts), and CreateTopics / DeleteTopics responses waiting on the
 *   cache are re-checked. The replica manager is not told: it reads the cache.
 */
import type { Logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import type { RequestHandler } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';
import { errorOf } from './api-error';

/** AbstractControlRequest.UNKNOWN_BROKER_EPOCH */
const UNKNOWN_BROKER_EPOCH = -1;

export function updateMetadataHandler(
  services: BrokerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.UpdateMetadata> {
  const cache = services.metadataCache;
  return async (request) => {
    const ownEpoch = services.brokerEpoch();
    if (request.brokerEpoch !== UNKNOWN_BROKER_EPOCH && request.brokerEpoch < ownEpoch) {
      log.info(
        `Received update metadata request with broker epoch ${request.brokerEpoch} smaller than ` +
          `the current broker epoch ${ownEpoch}`,
      );
      return { errorCode: errorOf('STALE_BROKER_EPOCH').errorCode };
    }
    if (!cache.observeControllerEpoch(request.controllerEpoch)) {
      log.warn(
        `Received update metadata request from an old controller ${request.controllerId} with ` +
          `epoch ${request.controllerEpoch}. Latest known controller epoch is ${cache.controllerEpochSeen()}`,
      );
      return { errorCode: errorOf('STALE_CONTROLLER_EPOCH').errorCode };
    }
    const deleted = cache.update(request);
    if (deleted.length > 0) {
      log.debug(`UpdateMetadata removed ${deleted.length} partitions of topics being deleted.`);
      // Committed offsets of deleted partitions go too (Kafka's onPartitionsDeleted); never rejects.
      void services.groupCoordinator.handleDeletedPartitions(deleted);
    }
    return { errorCode: 0 };
  };
}
