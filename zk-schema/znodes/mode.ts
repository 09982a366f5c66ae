/**
 * The ZooKeeper create mode of each znode family, as Kafka uses them: exactly `/controller` and
 * `/brokers/ids/<id>` are ephemeral; notification children are persistent-sequential; everything
 * else is persistent.
 */
export type ZnodeMode = 'persistent' | 'ephemeral' | 'persistent-sequential';
