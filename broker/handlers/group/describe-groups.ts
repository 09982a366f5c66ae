/**
 * DescribeGroups (api key 15): state, protocol type, chosen protocol and members of each group
 * (GroupCoordinator.describeGroup): each member's client id and host (as it joined), and — for a
 * Stable group — its metadata and assignment. A group unknown to its coordinator is "Dead" with
 * no members; a group coordinated elsewhere is NOT_COORDINATOR.
 */
import { ApiKey } from '../../../client/protocol/apis';
import type { RequestHandler } from '../../network/socket-server';
import { type GroupHandlerServices, code } from './services';

export function describeGroupsHandler(
  services: GroupHandlerServices,
): RequestHandler<typeof ApiKey.DescribeGroups> {
  return async (request) => ({
    groups: request.groups.map((groupId) => {
      const { error, summary } = services.groupCoordinator.describeGroup(groupId);
      return {
        errorCode: code(error),
        groupId,
        groupState: summary.state,
        protocolType: summary.protocolType,
        protocolData: summary.protocol,
        members: summary.members.map((m) => ({
          memberId: m.memberId,
          ...(m.groupInstanceId === null ? {} : { groupInstanceId: m.groupInstanceId }),
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
      };
    }),
  });
}
