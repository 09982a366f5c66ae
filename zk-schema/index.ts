/**
 * zk-schema: the ZooKeeper layout of Kafka 2.x as code. One namespace per znode family
 * (path builders, mode, versions, encode/decode), the startup path lists, the safe JSON readers,
 * and the promise-based ZooKeeper client. The tree is drawn in zk-schema/README.md.
 */
export * from './client';
export * from './paths';
export { ZkDataError } from './json';
export * as aclNode from './znodes/acl';
export * as aclChange from './znodes/acl-change';
export * as brokerRegistration from './znodes/broker-registration';
export * as brokerSeqid from './znodes/broker-seqid';
export * as clusterId from './znodes/cluster-id';
export * as configChange from './znodes/config-change';
export * as consumers from './znodes/consumers';
export * as controllerNode from './znodes/controller';
export * as controllerEpoch from './znodes/controller-epoch';
export * as delegationToken from './znodes/delegation-token';
export * as deleteTopics from './znodes/delete-topics';
export * as entityConfig from './znodes/entity-config';
export * as featureNode from './znodes/feature';
export * as isrChangeNotification from './znodes/isr-change-notification';
export * as logDirEventNotification from './znodes/log-dir-event-notification';
export * as partitionState from './znodes/partition-state';
export * as preferredReplicaElection from './znodes/preferred-replica-election';
export * as producerIdBlock from './znodes/producer-id-block';
export * as reassignPartitions from './znodes/reassign-partitions';
export * as sequential from './znodes/sequential';
export * as topicAssignment from './znodes/topic-assignment';
