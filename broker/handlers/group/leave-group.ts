/**
 * LeaveGroup (api key 13): GroupCoordinator.leaveGroup — the listed members (by member id, or by
 * group.instance.id for static members) leave at once; an error per member, and a group-level
 * error (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, ...) with no members.
 */
import { ApiKey } from '../../../client/protocol/apis';
import type { RequestHandler } from '../../network/socket-server';
import { type GroupHandlerServices, code } from './services';

export function leaveGroupHandler(
  services: GroupHandlerServices,
): RequestHandler<typeof ApiKey.LeaveGroup> {
  return async (request) => {
    const result = services.groupCoordinator.leaveGroup(
      request.groupId,
      request.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
      })),
    );
    return {
      errorCode: code(result.error),
      members: result.members.map((m) => ({
        memberId: m.memberId,
        ...(m.groupInstanceId === null ? {} : { groupInstanceId: m.groupInstanceId }),
        errorCode: code(m.error),
      })),
    };
  };
}
