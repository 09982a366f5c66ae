/**
 * SyncGroup (api key 14): GroupCoordinator.syncGroup. The leader's request carries every member's
 * assignment; each member's answer, once the assignment is written, carries its own.
 */
import { ApiKey, type ResponseInit } from '../../../client/protocol/apis';
import type { RequestHandler } from '../../network/socket-server';
import { type GroupHandlerServices, code, ownBytes } from './services';

type SyncGroupResponse = ResponseInit<typeof ApiKey.SyncGroup>;

export function syncGroupHandler(
  services: GroupHandlerServices,
): RequestHandler<typeof ApiKey.SyncGroup> {
  return async (request) => {
    const result = await services.groupCoordinator.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      protocolType: request.protocolType ?? null,
      protocolName: request.protocolName ?? null,
      assignments: new Map(request.assignments.map((a) => [a.memberId, ownBytes(a.assignment)])),
    });
    const response: SyncGroupResponse = {
      errorCode: code(result.error),
      assignment: result.assignment,
    };
    if (result.protocolType !== null) response.protocolType = result.protocolType;
    if (result.protocolName !== null) response.protocolName = result.protocolName;
    return response;
  };
}
