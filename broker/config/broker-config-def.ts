/**
 * The broker's configuration keys: every key of Kafka 2.8's broker configuration that samsa
 * reads, with Kafka's names, types, defaults and valid ranges, and a short paraphrase of Kafka's
 * documentation. Keys samsa does not read are absent (a properties file naming them gets a
 * warning). `ops/config/server.properties` documents every key here, grouped by `group`; a unit
 * test keeps it complete.
 *
 * Deliberate differences from Kafka 2.8: `default.replication.factor` must be at least 1;
 * `log.dirs` / `log.dir` and `listener.security.protocol.map` are LISTs (Kafka declares them
 * STRING and splits them itself: the same values are accepted); `authorizer.class.name` accepts
 * only the authorizer samsa has (under Kafka's class names) or empty.
 */
import {
  ConfigDef,
  ConfigValue,
  LONG_MAX_STRING,
  atLeast,
  between,
  define,
  eachOneOf,
  oneOf,
  validator,
} from './config-def';
import { SECURITY_PROTOCOLS } from './listeners';

export const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'];
export const CLEANUP_POLICIES = ['compact', 'delete'];
export const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'];

/** The authorizer class names samsa answers to (Kafka 2.x's current and deprecated names). */
export const ACL_AUTHORIZER_CLASS_NAMES = [
  'kafka.security.authorizer.AclAuthorizer',
  'kafka.security.auth.SimpleAclAuthorizer',
];

const principalList = validator<string>('User:name;User:other;...', (value) => {
  const bad = value
    .split(';')
    .map((p) => p.trim())
    .find((p) => p !== '' && !/^[^:]+:.+$/.test(p));
  return bad === undefined
    ? undefined
    : `expected principals in format principalType:principalName separated by ; but got ${bad}`;
});

const BROKER = 'Broker identity';
const ZOOKEEPER = 'ZooKeeper';
const LISTENERS = 'Listeners';
const SOCKET = 'Socket server';
const TOPICS = 'Topics and messages';
const SEGMENTS = 'Log segments and indexes';
const RETENTION = 'Log retention';
const FLUSH = 'Log flush and checkpoints';
const CLEANER = 'Log cleaner (compaction)';
const REPLICATION = 'Replication';
const CONTROLLER = 'Controller and leadership';
const GROUPS = 'Group coordinator and __consumer_offsets';
const TRANSACTIONS = 'Transaction state log';
const AUTHORIZATION = 'Authorization';

export const BROKER_CONFIG_DEF = new ConfigDef({
  'broker.id': define('INT', {
    default: '-1',
    importance: 'HIGH',
    group: BROKER,
    doc:
      'The id of this broker; unique in the cluster. If unset (-1), a unique id is generated ' +
      'from the ZooKeeper sequence /brokers/seqid, above reserved.broker.max.id.',
  }),
  'broker.id.generation.enable': define('BOOLEAN', {
    default: 'true',
    importance: 'MEDIUM',
    group: BROKER,
    doc: 'Generate a broker id when broker.id is -1. If false, broker.id must be set.',
  }),
  'reserved.broker.max.id': define('INT', {
    default: '1000',
    validator: atLeast(0),
    importance: 'MEDIUM',
    group: BROKER,
    doc: 'The largest broker id that may be configured; generated ids start above it.',
  }),
  'broker.rack': define('STRING', {
    default: null,
    importance: 'MEDIUM',
    group: BROKER,
    doc: 'The rack of this broker, used for rack-aware replica assignment. Example: us-east-1a.',
  }),

  'zookeeper.connect': define('STRING', {
    importance: 'HIGH',
    group: ZOOKEEPER,
    doc:
      'The ZooKeeper ensemble, as host:port,host:port,... with an optional chroot path at the ' +
      'end (host1:2181,host2:2181/kafka) under which all of the cluster data lives. Required.',
  }),
  'zookeeper.connection.timeout.ms': define('INT', {
    default: null,
    importance: 'HIGH',
    group: ZOOKEEPER,
    doc:
      'The longest time to wait for a connection to ZooKeeper at startup. If unset, ' +
      'zookeeper.session.timeout.ms is used.',
  }),
  'zookeeper.session.timeout.ms': define('INT', {
    default: '18000',
    importance: 'HIGH',
    group: ZOOKEEPER,
    doc:
      'The ZooKeeper session timeout: a broker that cannot reach ZooKeeper for this long loses ' +
      'its session, its ephemeral registration and (if it is the controller) the controllership.',
  }),
  'zookeeper.max.in.flight.requests': define('INT', {
    default: '10',
    validator: atLeast(1),
    importance: 'HIGH',
    group: ZOOKEEPER,
    doc: 'How many unacknowledged requests the broker sends to ZooKeeper before blocking.',
  }),
  'zookeeper.set.acl': define('BOOLEAN', {
    default: 'false',
    importance: 'HIGH',
    group: ZOOKEEPER,
    doc: 'Create the znodes the broker writes with secure ZooKeeper ACLs.',
  }),

  listeners: define('LIST', {
    default: 'PLAINTEXT://:9092',
    importance: 'HIGH',
    group: LISTENERS,
    doc:
      'Comma-separated listeners to bind: NAME://host:port. An empty host binds all ' +
      'interfaces; 0.0.0.0 binds all IPv4 interfaces; an IPv6 host goes in brackets; port 0 ' +
      'picks a free port. Names and ports must be unique, and every name must be in ' +
      'listener.security.protocol.map. Example: PLAINTEXT://myhost:9092,INTERNAL://:9093.',
  }),
  'advertised.listeners': define('LIST', {
    default: null,
    importance: 'HIGH',
    group: LISTENERS,
    doc:
      'Listeners published in ZooKeeper for clients and other brokers to use, if different ' +
      'from listeners (the default). Their names must be a subset of those of listeners. An ' +
      "empty host advertises this machine's hostname (samsa uses os.hostname(), where Kafka " +
      'uses the canonical host name); 0.0.0.0 cannot be advertised.',
  }),
  'listener.security.protocol.map': define('LIST', {
    default: 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    importance: 'LOW',
    group: LISTENERS,
    doc:
      'Maps listener names to security protocols (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL), ' +
      'as NAME:PROTOCOL,... Example: INTERNAL:PLAINTEXT,EXTERNAL:SSL.',
  }),
  'inter.broker.listener.name': define('STRING', {
    default: null,
    importance: 'MEDIUM',
    group: LISTENERS,
    doc:
      'The listener brokers use to talk to each other. If unset, the listener named after ' +
      'security.inter.broker.protocol is used. Set this or security.inter.broker.protocol, not ' +
      'both; it must be one of advertised.listeners.',
  }),
  'security.inter.broker.protocol': define('STRING', {
    default: 'PLAINTEXT',
    validator: oneOf(...SECURITY_PROTOCOLS),
    importance: 'MEDIUM',
    group: LISTENERS,
    doc:
      'The security protocol brokers use to talk to each other (the listener of that name). ' +
      'Set this or inter.broker.listener.name, not both.',
  }),
  'control.plane.listener.name': define('STRING', {
    default: null,
    importance: 'HIGH',
    group: LISTENERS,
    doc:
      'A listener reserved for controller requests (LeaderAndIsr, UpdateMetadata, StopReplica). ' +
      'If unset, the controller uses the inter-broker listener. It must be one of ' +
      'advertised.listeners and differ from the inter-broker listener.',
  }),

  'num.network.threads': define('INT', {
    default: '3',
    validator: atLeast(1),
    importance: 'HIGH',
    group: SOCKET,
    doc: 'The number of threads that receive requests from the network and send responses.',
  }),
  'num.io.threads': define('INT', {
    default: '8',
    validator: atLeast(1),
    importance: 'HIGH',
    group: SOCKET,
    doc: 'The number of threads that process requests, including disk I/O.',
  }),
  'queued.max.requests': define('INT', {
    default: '500',
    validator: atLeast(1),
    importance: 'HIGH',
    group: SOCKET,
    doc: 'How many requests may wait to be processed before the broker stops reading sockets.',
  }),
  'socket.send.buffer.bytes': define('INT', {
    default: '102400',
    importance: 'HIGH',
    group: SOCKET,
    doc: 'The SO_SNDBUF size of server sockets; -1 uses the operating system default.',
  }),
  'socket.receive.buffer.bytes': define('INT', {
    default: '102400',
    importance: 'HIGH',
    group: SOCKET,
    doc: 'The SO_RCVBUF size of server sockets; -1 uses the operating system default.',
  }),
  'socket.request.max.bytes': define('INT', {
    default: '104857600',
    validator: atLeast(1),
    importance: 'HIGH',
    group: SOCKET,
    doc: 'The largest request the broker accepts; a larger length prefix closes the connection.',
  }),

  'num.partitions': define('INT', {
    default: '1',
    validator: atLeast(1),
    importance: 'MEDIUM',
    group: TOPICS,
    doc: 'The number of partitions of a topic created without a partition count.',
  }),
  'default.replication.factor': define('INT', {
    default: '1',
    validator: atLeast(1),
    importance: 'MEDIUM',
    group: TOPICS,
    doc: 'The replication factor of a topic created without one (including auto-created topics).',
  }),
  'auto.create.topics.enable': define('BOOLEAN', {
    default: 'true',
    importance: 'HIGH',
    group: TOPICS,
    doc: 'Create a topic when a client asks for metadata of a topic that does not exist.',
  }),
  'delete.topic.enable': define('BOOLEAN', {
    default: 'true',
    importance: 'HIGH',
    group: TOPICS,
    doc: 'Allow topics to be deleted. If false, deleting a topic through the admin API fails.',
  }),
  'message.max.bytes': define('INT', {
    default: '1048588',
    validator: atLeast(0),
    importance: 'HIGH',
    group: TOPICS,
    doc:
      'The largest record batch the broker accepts (after compression). Topic-level synonym: ' +
      'max.message.bytes.',
  }),
  'compression.type': define('STRING', {
    default: 'producer',
    validator: oneOf(...COMPRESSION_TYPES),
    importance: 'HIGH',
    group: TOPICS,
    doc:
      "How the broker stores batches: producer keeps the producer's codec; uncompressed, " +
      'gzip, snappy, lz4 or zstd recompresses to that codec. Topic-level synonym: ' +
      'compression.type.',
  }),
  'log.message.timestamp.type': define('STRING', {
    default: 'CreateTime',
    validator: oneOf(...TIMESTAMP_TYPES),
    importance: 'MEDIUM',
    group: TOPICS,
    doc:
      "CreateTime keeps the producer's timestamps; LogAppendTime stamps batches with the " +
      "broker's clock. Topic-level synonym: message.timestamp.type.",
  }),
  'log.message.timestamp.difference.max.ms': define('LONG', {
    default: LONG_MAX_STRING,
    validator: atLeast(0),
    importance: 'MEDIUM',
    group: TOPICS,
    doc:
      "With CreateTime, reject a batch whose timestamp differs from the broker's clock by " +
      'more than this. Topic-level synonym: message.timestamp.difference.max.ms.',
  }),

  'log.dirs': define('LIST', {
    default: null,
    importance: 'HIGH',
    group: SEGMENTS,
    doc: 'Comma-separated directories holding the partition logs. If unset, log.dir is used.',
  }),
  'log.dir': define('LIST', {
    default: '/tmp/kafka-logs',
    importance: 'HIGH',
    group: SEGMENTS,
    doc: 'The log directory, used when log.dirs is unset.',
  }),
  'num.recovery.threads.per.data.dir': define('INT', {
    default: '1',
    validator: atLeast(1),
    importance: 'HIGH',
    group: SEGMENTS,
    doc:
      'How many partition logs of one log directory are loaded (and recovered after an unclean ' +
      'shutdown) at a time at startup, and flushed at a time at shutdown.',
  }),
  'log.segment.bytes': define('INT', {
    default: '1073741824',
    validator: atLeast(14),
    importance: 'HIGH',
    group: SEGMENTS,
    doc: 'The largest size of one log segment file. Topic-level synonym: segment.bytes.',
  }),
  'log.roll.ms': define('LONG', {
    default: null,
    importance: 'HIGH',
    group: SEGMENTS,
    doc:
      'Roll a new segment when the active one is this old, even if not full. If unset, ' +
      'log.roll.hours is used. Topic-level synonym: segment.ms.',
  }),
  'log.roll.hours': define('INT', {
    default: '168',
    validator: atLeast(1),
    importance: 'HIGH',
    group: SEGMENTS,
    doc: 'log.roll.ms in hours, used when log.roll.ms is unset.',
  }),
  'log.index.size.max.bytes': define('INT', {
    default: '10485760',
    validator: atLeast(4),
    importance: 'MEDIUM',
    group: SEGMENTS,
    doc:
      'The largest size of an offset or time index file; a full index rolls the segment. ' +
      'Topic-level synonym: segment.index.bytes.',
  }),
  'log.index.interval.bytes': define('INT', {
    default: '4096',
    validator: atLeast(0),
    importance: 'MEDIUM',
    group: SEGMENTS,
    doc:
      'Add an offset index entry after about this many bytes of log. Topic-level synonym: ' +
      'index.interval.bytes.',
  }),
  'log.segment.delete.delay.ms': define('LONG', {
    default: '60000',
    validator: atLeast(0),
    importance: 'HIGH',
    group: SEGMENTS,
    doc:
      'How long a segment removed from the log stays on disk (renamed .deleted) before its ' +
      'files are deleted. Topic-level synonym: file.delete.delay.ms.',
  }),

  'log.retention.ms': define('LONG', {
    default: null,
    importance: 'HIGH',
    group: RETENTION,
    doc:
      'Delete a segment when its newest record is older than this; -1 keeps logs forever. ' +
      'Wins over log.retention.minutes and log.retention.hours. Topic-level synonym: ' +
      'retention.ms.',
  }),
  'log.retention.minutes': define('INT', {
    default: null,
    importance: 'HIGH',
    group: RETENTION,
    doc: 'log.retention.ms in minutes, used when log.retention.ms is unset.',
  }),
  'log.retention.hours': define('INT', {
    default: '168',
    importance: 'HIGH',
    group: RETENTION,
    doc: 'log.retention.ms in hours, used when log.retention.ms and .minutes are unset.',
  }),
  'log.retention.bytes': define('LONG', {
    default: '-1',
    importance: 'HIGH',
    group: RETENTION,
    doc:
      'Delete old segments while a partition log is larger than this; -1 means no size ' +
      'limit. Topic-level synonym: retention.bytes.',
  }),
  'log.retention.check.interval.ms': define('LONG', {
    default: '300000',
    validator: atLeast(1),
    importance: 'MEDIUM',
    group: RETENTION,
    doc: 'How often the broker looks for segments to delete under the retention settings.',
  }),
  'log.cleanup.policy': define('LIST', {
    default: 'delete',
    validator: eachOneOf(...CLEANUP_POLICIES),
    importance: 'MEDIUM',
    group: RETENTION,
    doc:
      'delete removes old segments by retention time and size; compact keeps the latest ' +
      'record of each key; both may be given (compact,delete). Topic-level synonym: ' +
      'cleanup.policy.',
  }),

  'log.flush.interval.messages': define('LONG', {
    default: LONG_MAX_STRING,
    validator: atLeast(1),
    importance: 'HIGH',
    group: FLUSH,
    doc:
      'fsync a partition log after this many records are appended; the default leaves ' +
      'flushing to the operating system (durability comes from replication). Topic-level ' +
      'synonym: flush.messages.',
  }),
  'log.flush.interval.ms': define('LONG', {
    default: null,
    importance: 'HIGH',
    group: FLUSH,
    doc:
      'fsync a partition log when its oldest unflushed data is this old. If unset, ' +
      'log.flush.scheduler.interval.ms is used. Topic-level synonym: flush.ms.',
  }),
  'log.flush.scheduler.interval.ms': define('LONG', {
    default: LONG_MAX_STRING,
    importance: 'HIGH',
    group: FLUSH,
    doc: 'How often the broker checks whether a log needs a time-based flush.',
  }),
  'log.flush.offset.checkpoint.interval.ms': define('INT', {
    default: '60000',
    validator: atLeast(0),
    importance: 'HIGH',
    group: FLUSH,
    doc: 'How often the recovery points are written to recovery-point-offset-checkpoint.',
  }),
  'log.flush.start.offset.checkpoint.interval.ms': define('INT', {
    default: '60000',
    validator: atLeast(0),
    importance: 'HIGH',
    group: FLUSH,
    doc: 'How often the log start offsets are written to log-start-offset-checkpoint.',
  }),

  'log.cleaner.enable': define('BOOLEAN', {
    default: 'true',
    importance: 'MEDIUM',
    group: CLEANER,
    doc: 'Run the log cleaner, which compacts topics whose cleanup.policy includes compact.',
  }),
  'log.cleaner.dedupe.buffer.size': define('LONG', {
    default: '134217728',
    validator: atLeast(0),
    importance: 'MEDIUM',
    group: CLEANER,
    doc: 'Memory for the key-to-offset map of all cleaner threads together.',
  }),
  'log.cleaner.io.buffer.size': define('INT', {
    default: '524288',
    validator: atLeast(0),
    importance: 'MEDIUM',
    group: CLEANER,
    doc: 'Memory for the read and write buffers of all cleaner threads together.',
  }),
  'log.cleaner.threads': define('INT', {
    default: '1',
    validator: atLeast(0),
    importance: 'MEDIUM',
    group: CLEANER,
    doc: 'How many logs the cleaner compacts at a time.',
  }),
  'log.cleaner.backoff.ms': define('LONG', {
    default: '15000',
    validator: atLeast(0),
    importance: 'MEDIUM',
    group: CLEANER,
    doc: 'How long the cleaner sleeps when no log needs cleaning.',
  }),
  'log.cleaner.min.cleanable.ratio': define('DOUBLE', {
    default: '0.5',
    validator: between(0, 1),
    importance: 'MEDIUM',
    group: CLEANER,
    doc:
      'Clean a log when its uncleaned (dirty) part is at least this fraction of it. ' +
      'Topic-level synonym: min.cleanable.dirty.ratio.',
  }),
  'log.cleaner.delete.retention.ms': define('LONG', {
    default: '86400000',
    validator: atLeast(0),
    importance: 'MEDIUM',
    group: CLEANER,
    doc:
      'How long tombstones (null-value records) stay in a compacted log. Topic-level ' +
      'synonym: delete.retention.ms.',
  }),
  'log.cleaner.min.compaction.lag.ms': define('LONG', {
    default: '0',
    validator: atLeast(0),
    importance: 'MEDIUM',
    group: CLEANER,
    doc:
      'A record stays uncompacted for at least this long. Topic-level synonym: ' +
      'min.compaction.lag.ms.',
  }),
  'log.cleaner.max.compaction.lag.ms': define('LONG', {
    default: LONG_MAX_STRING,
    validator: atLeast(1),
    importance: 'MEDIUM',
    group: CLEANER,
    doc:
      'A record stays uncompacted for at most this long. Topic-level synonym: ' +
      'max.compaction.lag.ms.',
  }),

  'min.insync.replicas': define('INT', {
    default: '1',
    validator: atLeast(1),
    importance: 'HIGH',
    group: REPLICATION,
    doc:
      'With acks=all, a write succeeds only if at least this many replicas (leader included) ' +
      'are in sync; otherwise the producer gets NOT_ENOUGH_REPLICAS. Topic-level synonym: ' +
      'min.insync.replicas.',
  }),
  'unclean.leader.election.enable': define('BOOLEAN', {
    default: 'false',
    importance: 'HIGH',
    group: REPLICATION,
    doc:
      'Allow a replica outside the ISR to become leader when no ISR member is alive, at the ' +
      'cost of losing committed records. Topic-level synonym: unclean.leader.election.enable.',
  }),
  'replica.lag.time.max.ms': define('LONG', {
    default: '30000',
    importance: 'HIGH',
    group: REPLICATION,
    doc:
      "A follower that has not caught up with the leader's log end for this long is removed " +
      'from the ISR.',
  }),
  'replica.fetch.max.bytes': define('INT', {
    default: '1048576',
    validator: atLeast(0),
    importance: 'MEDIUM',
    group: REPLICATION,
    doc:
      'The bytes a follower asks for per partition in one fetch (a larger first batch is ' +
      'still returned whole).',
  }),
  'replica.fetch.min.bytes': define('INT', {
    default: '1',
    importance: 'HIGH',
    group: REPLICATION,
    doc: 'The leader answers a follower fetch once it has this many bytes (or the wait ends).',
  }),
  'replica.fetch.wait.max.ms': define('INT', {
    default: '500',
    importance: 'MEDIUM',
    group: REPLICATION,
    doc:
      'The longest a leader holds a follower fetch waiting for data. At most ' +
      'replica.lag.time.max.ms and replica.socket.timeout.ms.',
  }),
  'replica.fetch.response.max.bytes': define('INT', {
    default: '10485760',
    validator: atLeast(0),
    importance: 'MEDIUM',
    group: REPLICATION,
    doc: 'The bytes a follower asks for in one fetch response, over all partitions.',
  }),
  'replica.fetch.backoff.ms': define('INT', {
    default: '1000',
    validator: atLeast(0),
    importance: 'MEDIUM',
    group: REPLICATION,
    doc: 'How long a follower waits before fetching again from a partition whose fetch failed.',
  }),
  'replica.socket.timeout.ms': define('INT', {
    default: '30000',
    importance: 'HIGH',
    group: REPLICATION,
    doc: "The timeout of a follower's fetch requests; at least replica.fetch.wait.max.ms.",
  }),
  'replica.high.watermark.checkpoint.interval.ms': define('LONG', {
    default: '5000',
    importance: 'HIGH',
    group: REPLICATION,
    doc: 'How often high watermarks are written to replication-offset-checkpoint.',
  }),
  'num.replica.fetchers': define('INT', {
    default: '1',
    importance: 'HIGH',
    group: REPLICATION,
    doc: 'How many fetchers replicate from each source broker (partitions are spread over them).',
  }),

  'controller.socket.timeout.ms': define('INT', {
    default: '30000',
    importance: 'MEDIUM',
    group: CONTROLLER,
    doc: "The timeout of the controller's requests to brokers.",
  }),
  'auto.leader.rebalance.enable': define('BOOLEAN', {
    default: 'true',
    importance: 'HIGH',
    group: CONTROLLER,
    doc:
      'Let the controller move leadership back to preferred replicas (the first of each ' +
      'assignment) when a broker is too imbalanced.',
  }),
  'leader.imbalance.check.interval.seconds': define('LONG', {
    default: '300',
    importance: 'HIGH',
    group: CONTROLLER,
    doc: 'How often the controller checks leader imbalance.',
  }),
  'leader.imbalance.per.broker.percentage': define('INT', {
    default: '10',
    importance: 'HIGH',
    group: CONTROLLER,
    doc:
      "The percentage of a broker's preferred partitions led elsewhere above which the " +
      'controller triggers a preferred leader election.',
  }),
  'controlled.shutdown.enable': define('BOOLEAN', {
    default: 'true',
    importance: 'MEDIUM',
    group: CONTROLLER,
    doc: 'On shutdown, ask the controller to move leadership away before stopping.',
  }),
  'controlled.shutdown.max.retries': define('INT', {
    default: '3',
    importance: 'MEDIUM',
    group: CONTROLLER,
    doc: 'How many times a controlled shutdown is tried before the broker stops anyway.',
  }),
  'controlled.shutdown.retry.backoff.ms': define('LONG', {
    default: '5000',
    importance: 'MEDIUM',
    group: CONTROLLER,
    doc: 'The wait between controlled shutdown attempts.',
  }),

  'offsets.topic.num.partitions': define('INT', {
    default: '50',
    validator: atLeast(1),
    importance: 'HIGH',
    group: GROUPS,
    doc: 'The number of partitions of __consumer_offsets (fixed once the topic exists).',
  }),
  'offsets.topic.replication.factor': define('SHORT', {
    default: '3',
    validator: atLeast(1),
    importance: 'HIGH',
    group: GROUPS,
    doc:
      'The replication factor of __consumer_offsets. Its creation fails until this many ' +
      'brokers are up; set 1 for a single broker.',
  }),
  'offsets.load.buffer.size': define('INT', {
    default: '5242880',
    validator: atLeast(1),
    importance: 'HIGH',
    group: GROUPS,
    doc: 'How many bytes a read of __consumer_offsets asks for when a coordinator loads its groups.',
  }),
  'offsets.commit.required.acks': define('SHORT', {
    default: '-1',
    importance: 'HIGH',
    group: GROUPS,
    doc: 'The acks an offset commit waits for; -1 (all in-sync replicas) is strongly advised.',
  }),
  'offsets.topic.segment.bytes': define('INT', {
    default: '104857600',
    validator: atLeast(1),
    importance: 'HIGH',
    group: GROUPS,
    doc: 'The segment size of __consumer_offsets (small, for fast loading and compaction).',
  }),
  'offsets.retention.minutes': define('INT', {
    default: '10080',
    validator: atLeast(1),
    importance: 'HIGH',
    group: GROUPS,
    doc:
      'Committed offsets of a group are deleted this long after the group became empty ' +
      '(or, for standalone consumers, after their last commit).',
  }),
  'offsets.retention.check.interval.ms': define('LONG', {
    default: '600000',
    validator: atLeast(1),
    importance: 'HIGH',
    group: GROUPS,
    doc: 'How often the coordinator looks for expired offsets.',
  }),
  'offsets.commit.timeout.ms': define('INT', {
    default: '5000',
    validator: atLeast(1),
    importance: 'HIGH',
    group: GROUPS,
    doc: 'An offset commit waits at most this long for all replicas of __consumer_offsets.',
  }),
  'offsets.metadata.max.bytes': define('INT', {
    default: '4096',
    importance: 'HIGH',
    group: GROUPS,
    doc: 'The largest metadata string an offset commit may carry.',
  }),
  'group.initial.rebalance.delay.ms': define('INT', {
    default: '3000',
    importance: 'MEDIUM',
    group: GROUPS,
    doc:
      'How long the coordinator waits for more members to join a new (empty) group before ' +
      'its first rebalance.',
  }),
  'group.min.session.timeout.ms': define('INT', {
    default: '6000',
    importance: 'MEDIUM',
    group: GROUPS,
    doc: 'The smallest session timeout a consumer may ask for.',
  }),
  'group.max.session.timeout.ms': define('INT', {
    default: '1800000',
    importance: 'MEDIUM',
    group: GROUPS,
    doc: 'The largest session timeout a consumer may ask for.',
  }),

  'transaction.state.log.num.partitions': define('INT', {
    default: '50',
    validator: atLeast(1),
    importance: 'HIGH',
    group: TRANSACTIONS,
    doc: 'The number of partitions of __transaction_state (fixed once the topic exists).',
  }),
  'transaction.state.log.replication.factor': define('SHORT', {
    default: '3',
    validator: atLeast(1),
    importance: 'HIGH',
    group: TRANSACTIONS,
    doc:
      'The replication factor of __transaction_state. Its creation fails until this many ' +
      'brokers are up; set 1 for a single broker.',
  }),
  'transaction.state.log.min.isr': define('INT', {
    default: '2',
    validator: atLeast(1),
    importance: 'HIGH',
    group: TRANSACTIONS,
    doc: 'min.insync.replicas of __transaction_state.',
  }),
  'transaction.state.log.segment.bytes': define('INT', {
    default: '104857600',
    validator: atLeast(1),
    importance: 'HIGH',
    group: TRANSACTIONS,
    doc: 'The segment size of __transaction_state.',
  }),

  'authorizer.class.name': define('STRING', {
    default: '',
    validator: oneOf('', ...ACL_AUTHORIZER_CLASS_NAMES),
    importance: 'LOW',
    group: AUTHORIZATION,
    doc:
      'The authorizer: empty for none (every request is allowed), or ' +
      'kafka.security.authorizer.AclAuthorizer for ACLs stored in ZooKeeper under /kafka-acl.',
  }),
  'super.users': define('STRING', {
    default: '',
    validator: principalList,
    importance: 'LOW',
    group: AUTHORIZATION,
    doc:
      'Principals allowed everything regardless of ACLs, separated by ;. Example: ' +
      'User:admin;User:controller.',
  }),
  'allow.everyone.if.no.acl.found': define('BOOLEAN', {
    default: 'false',
    importance: 'LOW',
    group: AUTHORIZATION,
    doc: 'With an authorizer, allow access to a resource that has no ACLs at all.',
  }),
});

type BrokerKeys = typeof BROKER_CONFIG_DEF.keys;
export type BrokerConfigName = keyof BrokerKeys & string;
export type BrokerConfigValue<K extends BrokerConfigName> = ConfigValue<BrokerKeys[K]>;
