/**
 * Replication (Kafka's `kafka.cluster.Partition`, `kafka.server.ReplicaManager`, the replica
 * fetchers and the delayed-operation purgatories): which partitions this broker leads or
 * follows, the high watermark, the ISR and its ZooKeeper writes, acks=all, and the followers'
 * fetching and truncation by leader epoch.
 */
export * from './delayed-fetch';
export * from './delayed-operation';
export * from './delayed-produce';
export * from './fetch-limits';
export * from './follower-state';
export * from './follower-truncation';
export * from './grouped-append';
export * from './isr-change-notifier';
export * from './isr-writer';
export * from './partition';
export * from './recent-appends';
export * from './replica-fetcher';
export * from './replica-fetcher-manager';
export * from './replica-manager';
