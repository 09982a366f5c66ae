/**
 * Heartbeat (api key 12): GroupCoordinator.heartbeat — keeps the member's session alive and tells
 * it when a rebalance has started (REBALANCE_IN_PROGRESS).
 */
import { ApiKey } from '../../../client/protocol/apis';
import type { RequestHandler } from '../../network/socket-server';
import { type GroupHandlerServices, code } from './services';

export function heartbeatHandler(
  services: GroupHandlerServices,
): RequestHandler<typeof ApiKey.Heartbeat> {
  return async (request) => ({
    errorCode: code(
      services.groupCoordinator.heartbeat({
        groupId: request.groupId,
        generationId: request.generationId,
        memberId: request.memberId,
        groupInstanceId: request.groupInstanceId ?? null,
      }),
    ),
  });
}
