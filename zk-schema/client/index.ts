/**
 * samsa's ZooKeeper client: `ZkClient` (promise-based, over node-zookeeper-client, with chroot
 * creation, session-expiry detection and re-creation, retries and fixed multi versions), its
 * typed errors, stats, ACLs and multi operations, and Kafka's checked ephemeral registration.
 */
export {
  ZkClient,
  type CreateOptions,
  type ExpiredInfo,
  type SessionInfo,
  type ZkClientEvents,
  type ZkClientOptions,
  type ZkWatchEvent,
  type ZkWatchEventType,
  type ZkWatcher,
} from './zk-client';
export { createCheckedEphemeral } from './checked-ephemeral';
export { Op, type CreateMode, type ZkOp, type ZkOpResult } from './multi';
export {
  CREATOR_ALL_ACL,
  digestAcl,
  digestAclId,
  OPEN_ACL_UNSAFE,
  Perms,
  READ_ACL_UNSAFE,
  type ZkAcl,
  type ZkAuth,
} from './acl';
export { EphemeralNodeExistsError, ZkError, type ZkErrorCode } from './errors';
export { formatSessionId, type ZkStat } from './stat';
export { parseConnectString, type ParsedConnectString, type ZkServer } from './connect-string';
export { ancestors, childPath, parentPath, pathProblem } from './znode-path';
