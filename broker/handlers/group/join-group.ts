/**
 * JoinGroup (api key 11): GroupCoordinator.joinGroup with the member's client id (request
 * header) and host (the connection's peer, `/a.b.c.d` as Kafka shows it). The answer waits for
 * the rebalance; the leader's lists every member with its metadata.
 */
import { ApiKey, type ResponseInit } from '../../../client/protocol/apis';
import type { RequestHandler } from '../../network/socket-server';
import { type GroupHandlerServices, clientHost, code, ownBytes } from './services';

type JoinGroupResponse = ResponseInit<typeof ApiKey.JoinGroup>;

export function joinGroupHandler(
  services: GroupHandlerServices,
): RequestHandler<typeof ApiKey.JoinGroup> {
  return async (request, context) => {
    const groupInstanceId = request.groupInstanceId ?? null;
    const result = await services.groupCoordinator.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId,
      requireKnownMemberId: groupInstanceId === null,
      clientId: context.clientId,
      clientHost: clientHost(context.connection.remoteAddress),
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: ownBytes(p.metadata) })),
    });
    const response: JoinGroupResponse = {
      errorCode: code(result.error),
      generationId: result.generationId,
      leader: result.leaderId,
      memberId: result.memberId,
      members: result.members.map((m) => ({
        memberId: m.memberId,
        ...(m.groupInstanceId === null ? {} : { groupInstanceId: m.groupInstanceId }),
        metadata: m.metadata,
      })),
    };
    if (result.protocolType !== null) response.protocolType = result.protocolType;
    if (result.protocolName !== null) response.protocolName = result.protocolName;
    return response;
  };
}
