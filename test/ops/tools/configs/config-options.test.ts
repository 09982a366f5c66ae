import {
  parseConfigCommand,
  parseConfigsToBeAdded,
} from '../../../../ops/tools/configs/config-options';

const bs = { 'bootstrap-server': 'localhost:9092' };

describe('samsa configs command line (Kafka 2.8 ConfigCommandOptions.checkArgs)', () => {
  it('requires exactly one of --describe and --alter', () => {
    expect(() => parseConfigCommand({ ...bs, 'entity-type': 'topics' })).toThrow(
      'Command must include exactly one action: --describe, --alter',
    );
    expect(() =>
      parseConfigCommand({ ...bs, describe: true, alter: true, 'entity-type': 'topics' }),
    ).toThrow('Command must include exactly one action: --describe, --alter');
  });

  it('refuses --add-config with --describe', () => {
    expect(() =>
      parseConfigCommand({ ...bs, describe: true, topic: 't', 'add-config': 'a=b' }),
    ).toThrow('Option "[describe]" can\'t be used with option "[add-config]"');
  });

  it('knows topics and brokers, one entity type at a time', () => {
    expect(() => parseConfigCommand({ ...bs, describe: true })).toThrow(
      'At least one entity type must be specified',
    );
    expect(() => parseConfigCommand({ ...bs, describe: true, 'entity-type': 'users' })).toThrow(
      'Invalid entity type users, the entity type must be one of topics,brokers with the --bootstrap-server argument',
    );
    expect(() =>
      parseConfigCommand({ ...bs, describe: true, 'entity-type': ['topics', 'brokers'] }),
    ).toThrow("Only 'users' and 'clients' entity types may be specified together");
    expect(() =>
      parseConfigCommand({ ...bs, describe: true, 'entity-type': ['topics', 'topics'] }),
    ).toThrow('Duplicate entity type(s) specified: topics');
    expect(() =>
      parseConfigCommand({ ...bs, describe: true, 'entity-name': 'x', topic: 't' }),
    ).toThrow(
      '--entity-{type,name,default} should not be used in conjunction with specific entity flags',
    );
  });

  it('needs a broker address, and integer broker ids', () => {
    expect(() => parseConfigCommand({ describe: true, topic: 't' })).toThrow(
      'One of the required --bootstrap-server or --zookeeper arguments must be specified',
    );
    expect(() => parseConfigCommand({ ...bs, describe: true, broker: 'one' })).toThrow(
      'The entity name for brokers must be a valid integer broker id, but it is: one',
    );
  });

  it('--alter needs a name and something to change', () => {
    expect(() => parseConfigCommand({ ...bs, alter: true, 'entity-type': 'topics' })).toThrow(
      'an entity name must be specified with --alter of topics',
    );
    expect(() => parseConfigCommand({ ...bs, alter: true, 'entity-type': 'brokers' })).toThrow(
      'an entity-name or default entity must be specified with --alter of users, clients, brokers or ips',
    );
    expect(() => parseConfigCommand({ ...bs, alter: true, topic: 't' })).toThrow(
      'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter',
    );
    expect(() =>
      parseConfigCommand({
        ...bs,
        alter: true,
        topic: 't',
        'add-config': 'a=1',
        'add-config-file': 'f',
      }),
    ).toThrow('Only one of --add-config or --add-config-file must be specified');
  });

  it('reads the entity from either spelling and splits --delete-config at commas', () => {
    expect(
      parseConfigCommand({
        ...bs,
        alter: true,
        'entity-type': 'topics',
        'entity-name': 'orders',
        'delete-config': ['a, b', 'c'],
      }),
    ).toMatchObject({ entityType: 'topics', entityName: 'orders', deleteConfigs: ['a', 'b', 'c'] });
    expect(parseConfigCommand({ ...bs, describe: true, 'broker-defaults': true })).toMatchObject({
      entityType: 'brokers',
      entityName: '',
    });
    expect(parseConfigCommand({ ...bs, describe: true, 'entity-type': 'topics' }).entityName).toBe(
      undefined,
    );
  });
});

describe('--add-config parsing (Kafka parseConfigsToBeAdded)', () => {
  it('splits at commas outside square brackets and drops the brackets', () => {
    expect([
      ...parseConfigsToBeAdded('retention.ms=1000, cleanup.policy=[compact,delete],k = v,'),
    ]).toEqual([
      ['retention.ms', '1000'],
      ['cleanup.policy', 'compact,delete'],
      ['k', 'v'],
    ]);
  });

  it('keeps empty values and refuses entries that are not key=value', () => {
    expect([...parseConfigsToBeAdded('a=')]).toEqual([['a', '']]);
    expect(() => parseConfigsToBeAdded('a')).toThrow(
      'Invalid entity config: all configs to be added must be in the format "key=val".',
    );
    expect(() => parseConfigsToBeAdded('a=b=c')).toThrow('Invalid entity config');
  });
});
