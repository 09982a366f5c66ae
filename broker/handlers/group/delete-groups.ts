/**
 * DeleteGroups (api key 42): GroupCoordinator.deleteGroups — Empty groups are deleted with their
 * committed offsets (tombstones in `__consumer_offsets`); NON_EMPTY_GROUP for groups with
 * members, GROUP_ID_NOT_FOUND for unknown ones, NOT_COORDINATOR for groups coordinated elsewhere.
 */
import { ApiKey } from '../../../client/protocol/apis';
import type { RequestHandler } from '../../network/socket-server';
import { type GroupHandlerServices, code } from './services';

export function deleteGroupsHandler(
  services: GroupHandlerServices,
): RequestHandler<typeof ApiKey.DeleteGroups> {
  return async (request) => {
    const errors = await services.groupCoordinator.deleteGroups(request.groupsNames);
    return {
      results: [...new Set(request.groupsNames)].map((groupId) => ({
        groupId,
        errorCode: code(errors.get(groupId) ?? 'UNKNOWN_SERVER_ERROR'),
      })),
    };
  };
}
