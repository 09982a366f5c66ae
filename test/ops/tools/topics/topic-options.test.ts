import {
  TopicCommandError,
  hasCollisionChars,
  parseReplicaAssignment,
  parseTopicCommand,
  parseTopicConfigs,
  topicFilter,
} from '../../../../ops/tools/topics/topic-options';

const bs = { 'bootstrap-server': 'localhost:9092' };

describe('samsa topics command line (Kafka 2.8 TopicCommandOptions.checkArgs)', () => {
  it('requires exactly one action', () => {
    const message =
      'Command must include exactly one action: --list, --describe, --create, --alter or --delete';
    expect(() => parseTopicCommand({ ...bs })).toThrow(message);
    expect(() => parseTopicCommand({ ...bs, list: true, describe: true })).toThrow(message);
  });

  it('requires --bootstrap-server', () => {
    expect(() => parseTopicCommand({ list: true })).toThrow('--bootstrap-server must be specified');
  });

  it('requires --topic for create, alter and delete, and for describe --if-exists', () => {
    for (const action of ['create', 'alter', 'delete'] as const) {
      expect(() => parseTopicCommand({ ...bs, [action]: true, partitions: '3' })).toThrow(
        'Missing required argument "[topic]"',
      );
    }
    expect(() => parseTopicCommand({ ...bs, describe: true, 'if-exists': true })).toThrow(
      'Missing required argument "[topic]"',
    );
    expect(parseTopicCommand({ ...bs, describe: true }).topic).toBeUndefined();
  });

  it('refuses --replica-assignment with --partitions or --replication-factor on create', () => {
    expect(() =>
      parseTopicCommand({
        ...bs,
        create: true,
        topic: 't',
        partitions: '3',
        'replica-assignment': '1:2,2:3',
      }),
    ).toThrow('Option "[replica-assignment]" can\'t be used with option "[partitions]"');
    expect(() =>
      parseTopicCommand({
        ...bs,
        create: true,
        topic: 't',
        'replication-factor': '2',
        'replica-assignment': '1:2',
      }),
    ).toThrow('Option "[replica-assignment]" can\'t be used with option "[replication-factor]"');
  });

  it('alter needs --partitions and sends config changes to samsa configs', () => {
    expect(() => parseTopicCommand({ ...bs, alter: true, topic: 't' })).toThrow(
      'Missing required argument "[partitions]"',
    );
    expect(() =>
      parseTopicCommand({ ...bs, alter: true, topic: 't', partitions: '4', config: 'a=b' }),
    ).toThrow(
      'Option combination "[bootstrap-server],[config]" can\'t be used with option "[alter]" (the kafka-configs CLI supports altering topic configs with a --bootstrap-server option)',
    );
  });

  it('refuses flags that do not belong to the action, with Kafka messages', () => {
    expect(() => parseTopicCommand({ ...bs, list: true, partitions: '3' })).toThrow(
      'Option "[partitions]" can\'t be used with option "[list]"',
    );
    expect(() =>
      parseTopicCommand({
        ...bs,
        alter: true,
        topic: 't',
        partitions: '3',
        'replication-factor': '2',
      }),
    ).toThrow('Option "[replication-factor]" can\'t be used with option "[alter]"');
    expect(() => parseTopicCommand({ ...bs, create: true, topic: 't', 'if-exists': true })).toThrow(
      'Option "[if-exists]" can\'t be used with option "[create]"',
    );
    expect(() =>
      parseTopicCommand({ ...bs, delete: true, topic: 't', 'if-not-exists': true }),
    ).toThrow('Option "[if-not-exists]" can\'t be used with option "[delete]"');
    expect(() =>
      parseTopicCommand({
        ...bs,
        describe: true,
        'under-replicated-partitions': true,
        'unavailable-partitions': true,
      }),
    ).toThrow(
      'Option "[under-replicated-partitions]" can\'t be used with option "[unavailable-partitions]"',
    );
    expect(() =>
      parseTopicCommand({
        ...bs,
        describe: true,
        'at-min-isr-partitions': true,
        'topics-with-overrides': true,
      }),
    ).toThrow(
      'Option "[at-min-isr-partitions]" can\'t be used with option "[topics-with-overrides]"',
    );
    expect(() =>
      parseTopicCommand({ ...bs, alter: true, topic: 't', partitions: '2', 'delete-config': 'x' }),
    ).toThrow('Option "[delete-config]" can\'t be used with option "[bootstrap-server]"');
  });

  it('reads numbers and report flags', () => {
    const command = parseTopicCommand({
      ...bs,
      create: true,
      topic: 'orders',
      partitions: '3',
      'replication-factor': '2',
      config: ['retention.ms=1000', 'cleanup.policy=compact'],
      'if-not-exists': true,
    });
    expect(command).toMatchObject({
      action: 'create',
      topic: 'orders',
      partitions: 3,
      replicationFactor: 2,
      configs: ['retention.ms=1000', 'cleanup.policy=compact'],
      ifNotExists: true,
    });
    expect(() => parseTopicCommand({ ...bs, create: true, topic: 't', partitions: 'x' })).toThrow(
      "Cannot parse argument 'x' of option partitions",
    );
    expect(
      parseTopicCommand({ ...bs, describe: true, 'under-min-isr-partitions': true })
        .reportUnderMinIsr,
    ).toBe(true);
  });
});

describe('--replica-assignment parsing', () => {
  it('gives partition i the i-th list', () => {
    expect(parseReplicaAssignment('1:2, 2:3 ,3:1')).toEqual([
      [1, 2],
      [2, 3],
      [3, 1],
    ]);
  });

  it('refuses duplicates, uneven replication factors and non-numbers with Kafka messages', () => {
    expect(() => parseReplicaAssignment('1:1:2')).toThrow(
      'Partition replica lists may not contain duplicate entries: 1',
    );
    expect(() => parseReplicaAssignment('1:2,3')).toThrow(
      'Partition 1 has different replication factor: 3',
    );
    expect(() => parseReplicaAssignment('1:a')).toThrow('For input string: "a"');
    expect(() => parseReplicaAssignment('1:a')).toThrow(TopicCommandError);
  });
});

describe('--config parsing', () => {
  it('accepts topic configs with valid values', () => {
    expect([...parseTopicConfigs(['retention.ms = 1000', 'min.insync.replicas=2'])]).toEqual([
      ['retention.ms', '1000'],
      ['min.insync.replicas', '2'],
    ]);
  });

  it('refuses malformed entries, unknown names and bad values', () => {
    expect(() => parseTopicConfigs(['retention.ms'])).toThrow(
      'Invalid topic config: all configs to be added must be in the format "key=val".',
    );
    expect(() => parseTopicConfigs(['log.retention.ms=1'])).toThrow(
      'Unknown topic config name: log.retention.ms',
    );
    expect(() => parseTopicConfigs(['min.insync.replicas=zero'])).toThrow(/min\.insync\.replicas/);
  });
});

describe('topic name helpers', () => {
  it('matches --topic as a whole-name regular expression with , as alternation', () => {
    const allowed = topicFilter('orders.*,pay');
    expect(['orders', 'orders-eu', 'pay', 'payments'].filter(allowed)).toEqual([
      'orders',
      'orders-eu',
      'pay',
    ]);
    expect(() => topicFilter('(')).toThrow(/invalid regex/);
  });

  it("warns for names with '.' or '_'", () => {
    expect(hasCollisionChars('a.b')).toBe(true);
    expect(hasCollisionChars('a_b')).toBe(true);
    expect(hasCollisionChars('a-b')).toBe(false);
  });
});
