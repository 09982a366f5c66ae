/**
 * ControlledShutdown (api key 7), broker → controller: a broker about to stop asks the active
 * controller to move its leaderships away. Passed to the controller module
 * (`KafkaController.controlledShutdown`), which answers with the partitions the broker still
 * leads (the broker retries until none remain); a broker that is not the active controller
 * answers NOT_CONTROLLER, and the shutting-down broker looks the controller up again.
 */
import type { Logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import type { RequestHandler } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';
import { apiError, errorOf } from './api-error';

export function controlledShutdownHandler(
  services: BrokerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.ControlledShutdown> {
  return async (request) => {
    if (!services.controller.isActive()) {
      return { errorCode: errorOf('NOT_CONTROLLER').errorCode, remainingPartitions: [] };
    }
    try {
      const result = await services.controller.controlledShutdown(
        request.brokerId,
        request.brokerEpoch,
      );
      return {
        errorCode: result.errorCode,
        remainingPartitions: result.remaining.map((tp) => ({
          topicName: tp.topic,
          partitionIndex: tp.partition,
        })),
      };
    } catch (error) {
      const { errorCode } = apiError(
        error,
        log,
        `ControlledShutdown of broker ${request.brokerId}`,
      );
      return { errorCode, remainingPartitions: [] };
    }
  };
}
