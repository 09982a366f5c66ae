/**
 * ListGroups (api key 16): the groups this broker coordinates (only those: a client asks every
 * broker), optionally only those in the states asked (KIP-518: Empty, PreparingRebalance,
 * CompletingRebalance, Stable, Dead). COORDINATOR_LOAD_IN_PROGRESS while a partition is still
 * loading (with the groups known so far).
 */
import { ApiKey } from '../../../client/protocol/apis';
import type { RequestHandler } from '../../network/socket-server';
import { type GroupHandlerServices, code } from './services';

export function listGroupsHandler(
  services: GroupHandlerServices,
): RequestHandler<typeof ApiKey.ListGroups> {
  return async (request) => {
    const result = services.groupCoordinator.listGroups(request.statesFilter);
    return {
      errorCode: code(result.error),
      groups: result.groups.map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        groupState: g.state,
      })),
    };
  };
}
