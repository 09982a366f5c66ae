import { BROKER_CONFIG_DEF } from '../../../broker/config/broker-config-def';
import { LONG_MAX_VALUE, camelCase } from '../../../broker/config/config-def';
import { ConfigError } from '../../../broker/config/config-error';
import { KafkaConfig, retentionMs } from '../../../broker/config/kafka-config';

const ZK = { 'zookeeper.connect': '127.0.0.1:2181' };

function config(props: Record<string, string> = {}, overrides: Record<string, string> = {}) {
  return KafkaConfig.fromProperties({ ...ZK, ...props }, overrides, { hostname: 'box.local' });
}

function failure(props: Record<string, string>): string {
  try {
    config(props);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('KafkaConfig defaults', () => {
  test("with only zookeeper.connect, every setting has Kafka 2.8's default", () => {
    const c = config();
    expect(c.brokerId).toBe(-1);
    expect(c.brokerIdGenerationEnable).toBe(true);
    expect(c.reservedBrokerMaxId).toBe(1000);
    expect(c.brokerRack).toBeNull();
    expect(c.zookeeperSessionTimeoutMs).toBe(18000);
    expect(c.zookeeperConnectionTimeoutMs).toBe(18000);
    expect(c.zookeeperMaxInFlightRequests).toBe(10);
    expect(c.zookeeperSetAcl).toBe(false);
    expect(c.numPartitions).toBe(1);
    expect(c.defaultReplicationFactor).toBe(1);
    expect(c.minInsyncReplicas).toBe(1);
    expect(c.uncleanLeaderElectionEnable).toBe(false);
    expect(c.autoCreateTopicsEnable).toBe(true);
    expect(c.deleteTopicEnable).toBe(true);
    expect(c.autoLeaderRebalanceEnable).toBe(true);
    expect(c.leaderImbalanceCheckIntervalSeconds).toBe(300);
    expect(c.leaderImbalancePerBrokerPercentage).toBe(10);
    expect(c.controlledShutdownEnable).toBe(true);
    expect(c.controlledShutdownMaxRetries).toBe(3);
    expect(c.controlledShutdownRetryBackoffMs).toBe(5000);
    expect(c.controllerSocketTimeoutMs).toBe(30000);
    expect(c.replicaLagTimeMaxMs).toBe(30000);
    expect(c.replicaFetchWaitMaxMs).toBe(500);
    expect(c.replicaFetchMinBytes).toBe(1);
    expect(c.replicaFetchMaxBytes).toBe(1048576);
    expect(c.replicaFetchResponseMaxBytes).toBe(10485760);
    expect(c.replicaHighWatermarkCheckpointIntervalMs).toBe(5000);
    expect(c.numReplicaFetchers).toBe(1);
    expect(c.socketRequestMaxBytes).toBe(104857600);
    expect(c.messageMaxBytes).toBe(1048588);
    expect(c.logSegmentBytes).toBe(1073741824);
    expect(c.logRetentionMs).toBe(7 * 24 * 3600 * 1000);
    expect(c.logRetentionBytes).toBe(-1);
    expect(c.logRollMs).toBe(7 * 24 * 3600 * 1000);
    expect(c.logFlushIntervalMessages).toBe(LONG_MAX_VALUE);
    expect(c.logFlushIntervalMs).toBe(LONG_MAX_VALUE);
    expect(c.logCleanupPolicy).toEqual(['delete']);
    expect(c.compressionType).toBe('producer');
    expect(c.logMessageTimestampType).toBe('CreateTime');
    expect(c.logDirs).toEqual(['/tmp/kafka-logs']);
    expect(c.offsetsTopicNumPartitions).toBe(50);
    expect(c.offsetsTopicReplicationFactor).toBe(3);
    expect(c.offsetsRetentionMinutes).toBe(10080);
    expect(c.groupInitialRebalanceDelayMs).toBe(3000);
    expect(c.groupMinSessionTimeoutMs).toBe(6000);
    expect(c.groupMaxSessionTimeoutMs).toBe(1800000);
    expect(c.authorizerClassName).toBe('');
    expect(c.superUsers).toEqual([]);
    expect(c.allowEveryoneIfNoAclFound).toBe(false);
    expect(c.listeners).toEqual([
      { listenerName: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' },
    ]);
    expect(c.interBrokerListenerName).toBe('PLAINTEXT');
    expect(c.interBrokerSecurityProtocol).toBe('PLAINTEXT');
    expect(c.controlPlaneListenerName).toBeNull();
    expect(c.warnings).toEqual([]);
  });

  test('every key that keeps its own field has a camelCase field equal to get(name)', () => {
    const c = config();
    const fields = c as unknown as Record<string, unknown>;
    // Fields holding the effective (derived) value rather than the key's own value.
    const derived = new Set([
      'listeners',
      'advertisedListeners',
      'listenerSecurityProtocolMap',
      'interBrokerListenerName',
      'controlPlaneListenerName',
      'logDirs',
      'zookeeperConnect',
      'zookeeperConnectionTimeoutMs',
      'logRetentionMs',
      'logRollMs',
      'logFlushIntervalMs',
      'superUsers',
    ]);
    const own = BROKER_CONFIG_DEF.names().filter((name) => {
      const field = camelCase(name);
      return field in fields && !derived.has(field);
    });
    for (const name of own) expect([name, fields[camelCase(name)]]).toEqual([name, c.get(name)]);
    // Raw keys folded into an effective value are no fields of their own; nothing else is missing.
    const folded = [
      'log.dir',
      'log.retention.minutes',
      'log.retention.hours',
      'log.roll.hours',
      'security.inter.broker.protocol',
    ];
    for (const name of folded) expect(camelCase(name) in fields).toBe(false);
    expect(own.length + derived.size + folded.length).toBe(BROKER_CONFIG_DEF.names().length);
    expect(c.get('log.retention.hours')).toBe(168);
  });

  test('the fields are typed: numbers, booleans, nullable strings, lists', () => {
    const c = config();
    const id: number = c.brokerId;
    const rack: string | null = c.brokerRack;
    const unclean: boolean = c.uncleanLeaderElectionEnable;
    const policy: readonly string[] = c.logCleanupPolicy;
    const retention: number | null = c.get('log.retention.ms');
    // @ts-expect-error log.retention.hours is folded into logRetentionMs
    expect(c.logRetentionHours).toBeUndefined();
    expect([id, rack, unclean, policy, retention]).toEqual([-1, null, false, ['delete'], null]);
  });

  test('the config is frozen, lists included', () => {
    const c = config();
    expect(Object.isFrozen(c)).toBe(true);
    expect(Reflect.set(c, 'numPartitions', 7)).toBe(false);
    expect(c.numPartitions).toBe(1);
    expect(Object.isFrozen(c.logDirs)).toBe(true);
    expect(Object.isFrozen(c.listeners[0])).toBe(true);
    expect(Object.isFrozen(c.zookeeperConnect.servers)).toBe(true);
  });
});

describe('KafkaConfig sources and precedence', () => {
  test('an override wins over the file', () => {
    const c = config({ 'broker.id': '1', 'num.partitions': '3' }, { 'broker.id': '2' });
    expect(c.brokerId).toBe(2);
    expect(c.numPartitions).toBe(3);
    expect(c.originals.get('broker.id')).toBe('2');
  });

  test('a Map works as well as a plain object', () => {
    const c = KafkaConfig.fromProperties(
      new Map([
        ['zookeeper.connect', 'zk:2181'],
        ['broker.id', '4'],
      ]),
      new Map([['num.partitions', '6']]),
    );
    expect([c.brokerId, c.numPartitions]).toEqual([4, 6]);
  });

  test("unknown keys are warnings with Kafka's wording, not errors", () => {
    const c = config({ 'ssl.keystore.location': '/x', 'log.preallocate': 'true' });
    expect(c.unknownKeys).toEqual(['ssl.keystore.location', 'log.preallocate']);
    expect(c.warnings).toEqual([
      "The configuration 'ssl.keystore.location' was supplied but isn't a known config.",
      "The configuration 'log.preallocate' was supplied but isn't a known config.",
    ]);
  });

  test('a bad value is a ConfigError naming the key', () => {
    expect(() => config({ 'num.partitions': 'abc' })).toThrow(ConfigError);
    expect(failure({ 'num.partitions': 'abc' })).toBe(
      'Invalid value abc for configuration num.partitions: Not a number of type INT',
    );
    expect(failure({ 'unclean.leader.election.enable': 'maybe' })).toBe(
      'Invalid value maybe for configuration unclean.leader.election.enable: Expected value to ' +
        'be either true or false',
    );
    expect(failure({ 'replica.lag.time.max.ms': '30s' })).toBe(
      'Invalid value 30s for configuration replica.lag.time.max.ms: Not a number of type LONG',
    );
    expect(failure({ 'offsets.topic.replication.factor': '0' })).toBe(
      'Invalid value 0 for configuration offsets.topic.replication.factor: Value must be at least 1',
    );
  });

  test('zookeeper.connect is required', () => {
    expect(() => KafkaConfig.fromProperties({})).toThrow(
      'Missing required configuration "zookeeper.connect" which has no default value.',
    );
  });

  test('zookeeper.connection.timeout.ms, when set, is used instead of the session timeout', () => {
    expect(config({ 'zookeeper.connection.timeout.ms': '6000' }).zookeeperConnectionTimeoutMs).toBe(
      6000,
    );
    expect(config({ 'zookeeper.session.timeout.ms': '4000' }).zookeeperConnectionTimeoutMs).toBe(
      4000,
    );
  });

  test('zookeeper.connect with a chroot', () => {
    const c = config({ 'zookeeper.connect': 'a:2181,b:2182/samsa/test' });
    expect(c.zookeeperConnect.chroot).toBe('/samsa/test');
    expect(c.zookeeperConnect.serversString).toBe('a:2181,b:2182');
  });
});

describe('log retention, roll and flush precedence', () => {
  test.each<[Record<string, string>, number]>([
    [{}, 168 * 3600000],
    [{ 'log.retention.hours': '1' }, 3600000],
    [{ 'log.retention.minutes': '5', 'log.retention.hours': '1' }, 5 * 60000],
    [
      { 'log.retention.ms': '1234', 'log.retention.minutes': '5', 'log.retention.hours': '1' },
      1234,
    ],
    [{ 'log.retention.ms': '-1' }, -1],
    [{ 'log.retention.hours': '-5' }, -1],
    [{ 'log.retention.minutes': '-1', 'log.retention.hours': '2' }, -1],
  ])('%j gives logRetentionMs %d', (props, expected) => {
    expect(config(props).logRetentionMs).toBe(expected);
  });

  test('a retention of 0 is rejected, however it is given', () => {
    const message = 'log.retention.ms must be unlimited (-1) or, greater than or equal to 1';
    expect(failure({ 'log.retention.ms': '0' })).toBe(message);
    expect(failure({ 'log.retention.minutes': '0' })).toBe(message);
    expect(failure({ 'log.retention.hours': '0' })).toBe(message);
  });

  test('retentionMs works from any getter (as topic resolution uses it)', () => {
    const c = config({ 'log.retention.minutes': '2' });
    expect(retentionMs(c.get)).toBe(120000);
  });

  test('log.roll.ms wins over log.roll.hours', () => {
    expect(config({ 'log.roll.hours': '2' }).logRollMs).toBe(7200000);
    expect(config({ 'log.roll.ms': '5000', 'log.roll.hours': '2' }).logRollMs).toBe(5000);
    expect(failure({ 'log.roll.ms': '0' })).toBe('log.roll.ms must be greater than or equal to 1');
    expect(failure({ 'log.roll.hours': '0' })).toBe(
      'Invalid value 0 for configuration log.roll.hours: Value must be at least 1',
    );
  });

  test('log.flush.interval.ms falls back to log.flush.scheduler.interval.ms', () => {
    expect(config({ 'log.flush.scheduler.interval.ms': '3000' }).logFlushIntervalMs).toBe(3000);
    expect(
      config({ 'log.flush.interval.ms': '100', 'log.flush.scheduler.interval.ms': '3000' })
        .logFlushIntervalMs,
    ).toBe(100);
  });
});

describe('log directories', () => {
  test('log.dirs wins over log.dir; log.dir is used without log.dirs', () => {
    expect(config({ 'log.dirs': '/a, /b', 'log.dir': '/c' }).logDirs).toEqual(['/a', '/b']);
    expect(config({ 'log.dir': '/c' }).logDirs).toEqual(['/c']);
  });

  test('no directory at all is an error', () => {
    expect(failure({ 'log.dirs': ' , ' })).toBe(
      'At least one log directory must be defined via log.dirs or log.dir.',
    );
  });
});

describe('broker id', () => {
  test('must be between -1 and reserved.broker.max.id when ids may be generated', () => {
    expect(config({ 'broker.id': '1000' }).brokerId).toBe(1000);
    expect(failure({ 'broker.id': '1001' })).toMatch(
      /^broker.id must be greater than or equal to -1 and not greater than reserved.broker.max.id/,
    );
    expect(failure({ 'broker.id': '-2' })).toMatch(
      /^broker.id must be greater than or equal to -1/,
    );
    expect(config({ 'broker.id': '5000', 'reserved.broker.max.id': '10000' }).brokerId).toBe(5000);
  });

  test('must be set when id generation is off', () => {
    expect(failure({ 'broker.id.generation.enable': 'false' })).toBe(
      'broker.id must be greater than or equal to 0 when broker.id.generation.enable is false',
    );
    expect(config({ 'broker.id.generation.enable': 'false', 'broker.id': '0' }).brokerId).toBe(0);
  });
});

describe('replica fetch timing', () => {
  test('replica.fetch.wait.max.ms may not exceed the socket timeout or the lag time', () => {
    expect(failure({ 'replica.fetch.wait.max.ms': '40000' })).toMatch(
      /^replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms/,
    );
    expect(
      failure({ 'replica.lag.time.max.ms': '1000', 'replica.fetch.wait.max.ms': '2000' }),
    ).toMatch(/^replica.fetch.wait.max.ms should always be less than or equal to replica.lag/);
    const quick = config({ 'replica.lag.time.max.ms': '3000', 'replica.fetch.wait.max.ms': '100' });
    expect(quick.replicaLagTimeMaxMs).toBe(3000);
  });
});

describe('authorization settings', () => {
  test('super.users is a ;-separated list of principals', () => {
    expect(config({ 'super.users': 'User:alice; User:bob;' }).superUsers).toEqual([
      'User:alice',
      'User:bob',
    ]);
    expect(failure({ 'super.users': 'User:alice;bob' })).toBe(
      'Invalid value User:alice;bob for configuration super.users: expected principals in ' +
        'format principalType:principalName separated by ; but got bob',
    );
  });

  test('authorizer.class.name accepts only the ACL authorizer samsa has', () => {
    expect(
      config({ 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer' })
        .authorizerClassName,
    ).toBe('kafka.security.authorizer.AclAuthorizer');
    expect(failure({ 'authorizer.class.name': 'com.example.MyAuthorizer' })).toMatch(
      /^Invalid value com.example.MyAuthorizer for configuration authorizer.class.name: String must be one of: /,
    );
  });
});
