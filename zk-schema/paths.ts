/**
 * The top of samsa's ZooKeeper tree as lists of paths (Kafka: `ZkData.PersistentZkPaths`,
 * `SecureRootPaths`, `SensitiveRootPaths`, `defaultAcls`), and the topic-name validator that
 * guards every path built from a topic name.
 *
 * - `PERSISTENT_PATHS`: created by every broker at startup if missing, in Kafka's order
 *   (idempotent: existing nodes and their data are left alone; a chroot is created first).
 * - `ACL_AUTHORIZER_PATHS`: created by the ZooKeeper-backed authorizer at startup.
 * - `SECURE_ROOT_PATHS`: the top-level roots that get ZooKeeper ACLs with
 *   `zookeeper.set.acl=true` (and that `zookeeper-security-migration` walks).
 * - `SENSITIVE_ROOT_PATHS`: roots whose subtrees are readable by their creator only.
 */
import * as acl from './znodes/acl';
import * as aclChange from './znodes/acl-change';
import * as brokerRegistration from './znodes/broker-registration';
import * as brokerSeqid from './znodes/broker-seqid';
import * as clusterId from './znodes/cluster-id';
import * as configChange from './znodes/config-change';
import * as consumers from './znodes/consumers';
import * as controller from './znodes/controller';
import * as controllerEpoch from './znodes/controller-epoch';
import * as delegationToken from './znodes/delegation-token';
import * as deleteTopics from './znodes/delete-topics';
import * as entityConfig from './znodes/entity-config';
import * as feature from './znodes/feature';
import * as isrChange from './znodes/isr-change-notification';
import * as logDirEvent from './znodes/log-dir-event-notification';
import * as producerIdBlock from './znodes/producer-id-block';
import * as topicAssignment from './znodes/topic-assignment';

export { MAX_TOPIC_NAME_LENGTH, topicNameProblem, validateTopicName } from './znodes/names';

/** The persistent paths every broker creates at startup, in Kafka's order. */
export const PERSISTENT_PATHS: readonly string[] = [
  consumers.path(),
  brokerRegistration.idsPath(),
  topicAssignment.topicsPath(),
  configChange.changesPath(),
  deleteTopics.deleteTopicsPath(),
  brokerSeqid.path(),
  isrChange.rootPath(),
  producerIdBlock.path(),
  logDirEvent.rootPath(),
  ...entityConfig.ENTITY_TYPES.map(entityConfig.entityTypePath),
];

/**
 * The nodes the ZooKeeper-backed authorizer creates at startup: both ACL stores with one child
 * per resource type, then both change roots.
 */
export const ACL_AUTHORIZER_PATHS: readonly string[] = [
  ...acl.authorizerPaths(),
  aclChange.LITERAL_CHANGES.root,
  aclChange.EXTENDED_CHANGES.root,
];

/** The top-level roots that get ZooKeeper ACLs with `zookeeper.set.acl=true`. */
export const SECURE_ROOT_PATHS: readonly string[] = [
  deleteTopics.adminPath(),
  brokerRegistration.brokersPath(),
  clusterId.clusterPath(),
  entityConfig.configPath(),
  controller.path(),
  controllerEpoch.path(),
  isrChange.rootPath(),
  producerIdBlock.path(),
  logDirEvent.rootPath(),
  delegationToken.delegationTokenPath(),
  acl.extendedRoot(),
  feature.path(),
  acl.literalRoot(),
  aclChange.LITERAL_CHANGES.root,
  acl.storeRoot('PREFIXED'),
  aclChange.EXTENDED_CHANGES.root,
];

/** Roots whose subtrees hold secrets: SCRAM credentials, broker passwords, delegation tokens. */
export const SENSITIVE_ROOT_PATHS: readonly string[] = [
  entityConfig.entityTypePath('users'),
  entityConfig.entityTypePath('brokers'),
  delegationToken.tokensPath(),
];

/** True for a sensitive root or any node below one. */
export function isSensitivePath(path: string): boolean {
  return SENSITIVE_ROOT_PATHS.some((root) => path === root || path.startsWith(`${root}/`));
}

/**
 * Which ZooKeeper ACL Kafka gives a znode it creates (`ZkData.defaultAcls`):
 * - `open`: world:anyone:cdrwa (OPEN_ACL_UNSAFE) — always without `zookeeper.set.acl`, and for
 *   `/consumers` even with it;
 * - `creator-all`: the creator only (CREATOR_ALL_ACL) — sensitive paths;
 * - `creator-all+world-read`: CREATOR_ALL_ACL plus world read (READ_ACL_UNSAFE) — the rest.
 */
export type ZnodeAclPolicy = 'open' | 'creator-all' | 'creator-all+world-read';

export function defaultAclPolicy(path: string, secure: boolean): ZnodeAclPolicy {
  if (!secure || path === consumers.path()) return 'open';
  return isSensitivePath(path) ? 'creator-all' : 'creator-all+world-read';
}
