/**
 * The consumer-group API handlers, one module per API, registered on the broker's socket server
 * by `registerGroupHandlers` (KafkaServer calls it before the listeners open): FindCoordinator,
 * JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListGroups,
 * DescribeGroups, DeleteGroups. Every broker serves them; the group coordinator
 * (broker/coordinator/group) answers NOT_COORDINATOR for groups it does not coordinate.
 */
import { ApiKey } from '../../../client/protocol/apis';
import { AutoTopicCreationManager } from '../../admin/auto-topic-creation';
import type { SocketServer } from '../../network/socket-server';
import { deleteGroupsHandler } from './delete-groups';
import { describeGroupsHandler } from './describe-groups';
import { findCoordinatorHandler } from './find-coordinator';
import { heartbeatHandler } from './heartbeat';
import { joinGroupHandler } from './join-group';
import { leaveGroupHandler } from './leave-group';
import { listGroupsHandler } from './list-groups';
import { offsetCommitHandler } from './offset-commit';
import { offsetFetchHandler } from './offset-fetch';
import type { GroupHandlerServices } from './services';
import { syncGroupHandler } from './sync-group';

export type { GroupHandlerServices } from './services';

export function registerGroupHandlers(server: SocketServer, services: GroupHandlerServices): void {
  const autoTopicCreation = new AutoTopicCreationManager(services, services.metadataCache);
  server
    .handle(ApiKey.FindCoordinator, findCoordinatorHandler(services, autoTopicCreation))
    .handle(ApiKey.JoinGroup, joinGroupHandler(services))
    .handle(ApiKey.SyncGroup, syncGroupHandler(services))
    .handle(ApiKey.Heartbeat, heartbeatHandler(services))
    .handle(ApiKey.LeaveGroup, leaveGroupHandler(services))
    .handle(ApiKey.OffsetCommit, offsetCommitHandler(services))
    .handle(ApiKey.OffsetFetch, offsetFetchHandler(services))
    .handle(ApiKey.ListGroups, listGroupsHandler(services))
    .handle(ApiKey.DescribeGroups, describeGroupsHandler(services))
    .handle(ApiKey.DeleteGroups, deleteGroupsHandler(services));
}
