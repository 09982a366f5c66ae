import { inspect } from 'node:util';
import fc from 'fast-check';
import { BROKER_CONFIG_DEF } from '../../../broker/config/broker-config-def';
import {
  CONFIG_TYPES,
  ConfigDef,
  ConfigType,
  LONG_MAX_VALUE,
  Password,
  atLeast,
  define,
  formatValue,
  parseType,
  validator,
} from '../../../broker/config/config-def';
import { ConfigError } from '../../../broker/config/config-error';

function errorOf(fn: () => unknown, what = 'this call'): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError from ${what}`);
}

describe('parseType: values of each type', () => {
  test.each<[ConfigType, string, unknown]>([
    ['BOOLEAN', 'true', true],
    ['BOOLEAN', ' FALSE ', false],
    ['BOOLEAN', 'True', true],
    ['INT', '42', 42],
    ['INT', ' +7 ', 7],
    ['INT', '-2147483648', -2147483648],
    ['INT', '2147483647', 2147483647],
    ['SHORT', '32767', 32767],
    ['SHORT', '-32768', -32768],
    ['LONG', '9007199254740991', 9007199254740991],
    ['LONG', '9223372036854775807', LONG_MAX_VALUE],
    ['LONG', '-1', -1],
    ['DOUBLE', '0.5', 0.5],
    ['DOUBLE', '.5', 0.5],
    ['DOUBLE', '1e3', 1000],
    ['DOUBLE', '-2.5E-1', -0.25],
    ['DOUBLE', '2d', 2],
    ['LIST', ' a , b,c ', ['a', 'b', 'c']],
    ['LIST', '', []],
    ['LIST', '   ', []],
    ['LIST', 'a,,b', ['a', '', 'b']],
    ['STRING', '  padded  ', 'padded'],
    ['STRING', '', ''],
    [
      'CLASS',
      ' kafka.security.authorizer.AclAuthorizer ',
      'kafka.security.authorizer.AclAuthorizer',
    ],
    ['CLASS', 'Outer$Inner', 'Outer$Inner'],
  ])('%s %j parses to %j', (type, raw, expected) => {
    expect(parseType('k', raw, type)).toEqual(expected);
  });

  test('a PASSWORD is trimmed, and never shows itself', () => {
    const password = parseType('k', ' s3cret ', 'PASSWORD');
    expect(password).toBeInstanceOf(Password);
    expect(password.value()).toBe('s3cret');
    expect(String(password)).toBe('[hidden]');
    expect(JSON.stringify({ password })).toBe('{"password":"[hidden]"}');
    expect(inspect(password)).not.toContain('s3cret');
    expect(inspect({ password })).not.toContain('s3cret');
  });
});

describe('parseType: bad values give one line naming the key, in Kafka wording', () => {
  test.each<[ConfigType, string, string]>([
    [
      'BOOLEAN',
      'yes',
      'Invalid value yes for configuration k: Expected value to be either true or false',
    ],
    [
      'BOOLEAN',
      '',
      'Invalid value  for configuration k: Expected value to be either true or false',
    ],
    ['INT', 'abc', 'Invalid value abc for configuration k: Not a number of type INT'],
    ['INT', '1.5', 'Invalid value 1.5 for configuration k: Not a number of type INT'],
    ['INT', '2147483648', 'Invalid value 2147483648 for configuration k: Not a number of type INT'],
    ['INT', '0x10', 'Invalid value 0x10 for configuration k: Not a number of type INT'],
    ['INT', '', 'Invalid value  for configuration k: Not a number of type INT'],
    ['SHORT', '32768', 'Invalid value 32768 for configuration k: Not a number of type SHORT'],
    [
      'LONG',
      '9223372036854775808',
      'Invalid value 9223372036854775808 for configuration k: Not a number of type LONG',
    ],
    ['LONG', '1e3', 'Invalid value 1e3 for configuration k: Not a number of type LONG'],
    ['DOUBLE', 'abc', 'Invalid value abc for configuration k: Not a number of type DOUBLE'],
    ['DOUBLE', 'NaN', 'Invalid value NaN for configuration k: Not a number of type DOUBLE'],
    ['DOUBLE', '1e', 'Invalid value 1e for configuration k: Not a number of type DOUBLE'],
    [
      'CLASS',
      'not a class',
      'Invalid value not a class for configuration k: Class not a class could not be found.',
    ],
  ])('%s %j', (type, raw, message) => {
    const error = errorOf(() => parseType('k', raw, type));
    expect(error.message).toBe(message);
    expect(error.configName).toBe('k');
    expect(error.retriable).toBe(false);
  });

  test('every type can fail, and its message is one line naming the key', () => {
    const def = new ConfigDef({
      'b.key': define('BOOLEAN', { default: 'true', importance: 'LOW', doc: '' }),
      's.key': define('STRING', {
        default: 'x',
        validator: validator<string>('non-empty', (v) =>
          v === '' ? 'must not be empty' : undefined,
        ),
        importance: 'LOW',
        doc: '',
      }),
      'i.key': define('INT', { default: '1', importance: 'LOW', doc: '' }),
      'sh.key': define('SHORT', { default: '1', importance: 'LOW', doc: '' }),
      'l.key': define('LONG', { default: '1', importance: 'LOW', doc: '' }),
      'd.key': define('DOUBLE', { default: '1', importance: 'LOW', doc: '' }),
      'li.key': define('LIST', {
        default: 'a',
        validator: validator<readonly string[]>('non-empty', (v) =>
          v.length === 0 ? 'must not be empty' : undefined,
        ),
        importance: 'LOW',
        doc: '',
      }),
      'c.key': define('CLASS', { default: 'a.B', importance: 'LOW', doc: '' }),
      'p.key': define('PASSWORD', {
        default: 'longenough',
        validator: validator<Password>('8+ chars', (v) =>
          v.value().length < 8 ? 'must be at least 8 characters' : undefined,
        ),
        importance: 'LOW',
        doc: '',
      }),
    });
    const bad: Record<ConfigType, [string, string]> = {
      BOOLEAN: ['b.key', 'maybe'],
      STRING: ['s.key', '  '],
      INT: ['i.key', 'x'],
      SHORT: ['sh.key', '99999'],
      LONG: ['l.key', '1.0'],
      DOUBLE: ['d.key', '--1'],
      LIST: ['li.key', ''],
      CLASS: ['c.key', '1abc'],
      PASSWORD: ['p.key', 'a\nb'],
    };
    for (const type of CONFIG_TYPES) {
      const [name, raw] = bad[type];
      const error = errorOf(() => def.parse(new Map([[name, raw]])), type);
      expect(error.message).toMatch(new RegExp(`^Invalid value .* for configuration ${name}: `));
      expect(error.message).not.toMatch(/[\n\r]/);
      expect(error.configName).toBe(name);
    }
    // A password is shown as [hidden] even in its own error.
    const passwordError = errorOf(() => def.parseValue('p.key', 'short'));
    expect(passwordError.message).toBe(
      'Invalid value [hidden] for configuration p.key: must be at least 8 characters',
    );
  });

  test('control characters in a bad value are shown escaped, keeping the error on one line', () => {
    const error = errorOf(() => parseType('k', 'a\nb\u0001', 'INT'));
    expect(error.message).toBe(
      'Invalid value a\\nb\\u0001 for configuration k: Not a number of type INT',
    );
  });
});

describe('validators', () => {
  test("a value below a minimum is rejected with Kafka's wording", () => {
    expect(() => BROKER_CONFIG_DEF.parseValue('num.partitions', '0')).toThrow(
      'Invalid value 0 for configuration num.partitions: Value must be at least 1',
    );
    expect(BROKER_CONFIG_DEF.parseValue('num.partitions', '1')).toBe(1);
  });

  test('a double outside [0, 1] is rejected on either side', () => {
    expect(() => BROKER_CONFIG_DEF.parseValue('log.cleaner.min.cleanable.ratio', '1.5')).toThrow(
      'Invalid value 1.5 for configuration log.cleaner.min.cleanable.ratio: Value must be no more than 1',
    );
    expect(() => BROKER_CONFIG_DEF.parseValue('log.cleaner.min.cleanable.ratio', '-0.1')).toThrow(
      'Invalid value -0.1 for configuration log.cleaner.min.cleanable.ratio: Value must be at least 0',
    );
    expect(BROKER_CONFIG_DEF.parseValue('log.cleaner.min.cleanable.ratio', '1')).toBe(1);
  });

  test("compression.type must be one of Kafka's broker codecs", () => {
    for (const codec of ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer']) {
      expect(BROKER_CONFIG_DEF.parseValue('compression.type', codec)).toBe(codec);
    }
    expect(() => BROKER_CONFIG_DEF.parseValue('compression.type', 'zip')).toThrow(
      'Invalid value zip for configuration compression.type: String must be one of: ' +
        'uncompressed, zstd, lz4, snappy, gzip, producer',
    );
  });

  test('each element of log.cleanup.policy must be compact or delete', () => {
    expect(BROKER_CONFIG_DEF.parseValue('log.cleanup.policy', 'compact, delete')).toEqual([
      'compact',
      'delete',
    ]);
    expect(() => BROKER_CONFIG_DEF.parseValue('log.cleanup.policy', 'compact,bogus')).toThrow(
      'Invalid value bogus for configuration log.cleanup.policy: String must be one of: compact, delete',
    );
  });

  test("validator descriptions read like Kafka's documentation", () => {
    expect(atLeast(1).description).toBe('[1,...]');
    expect(BROKER_CONFIG_DEF.key('log.cleaner.min.cleanable.ratio').validator?.description).toBe(
      '[0,...,1]',
    );
    expect(BROKER_CONFIG_DEF.key('log.cleanup.policy').validator?.description).toBe(
      '[compact, delete]',
    );
  });
});

describe('ConfigDef', () => {
  test('a default that does not parse is caught when the table is built', () => {
    expect(
      () => new ConfigDef({ x: define('INT', { default: 'many', importance: 'LOW', doc: '' }) }),
    ).toThrow('Invalid value many for configuration x: Not a number of type INT');
    expect(
      () =>
        new ConfigDef({
          y: define('INT', { default: '0', validator: atLeast(1), importance: 'LOW', doc: '' }),
        }),
    ).toThrow('Invalid value 0 for configuration y: Value must be at least 1');
  });

  test("a required key that is missing gives Kafka's message", () => {
    expect(() => BROKER_CONFIG_DEF.parse(new Map())).toThrow(
      new ConfigError(
        'Missing required configuration "zookeeper.connect" which has no default value.',
      ),
    );
  });

  test('absent keys take their defaults, null defaults stay null, unknown keys are listed', () => {
    const { values, unknown } = BROKER_CONFIG_DEF.parse(
      new Map([
        ['zookeeper.connect', 'zk:2181'],
        ['num.partitions', '3'],
        ['no.such.key', 'x'],
        ['ssl.keystore.location', '/x'],
      ]),
    );
    expect(values['num.partitions']).toBe(3);
    expect(values['default.replication.factor']).toBe(1);
    expect(values['log.retention.ms']).toBeNull();
    expect(unknown).toEqual(['no.such.key', 'ssl.keystore.location']);
  });
});

describe("formatValue (Kafka's convertToString)", () => {
  test.each<[unknown, ConfigType, string | null]>([
    [LONG_MAX_VALUE, 'LONG', '9223372036854775807'],
    [-(2 ** 63), 'LONG', '-9223372036854775808'],
    [604800000, 'LONG', '604800000'],
    [1, 'DOUBLE', '1.0'],
    [0.5, 'DOUBLE', '0.5'],
    [0, 'DOUBLE', '0.0'],
    [1e-5, 'DOUBLE', '1.0E-5'],
    [1.5e7, 'DOUBLE', '1.5E7'],
    [['compact', 'delete'], 'LIST', 'compact,delete'],
    [[], 'LIST', ''],
    [true, 'BOOLEAN', 'true'],
    [new Password('x'), 'PASSWORD', '[hidden]'],
    [null, 'STRING', null],
  ])('%j as %s prints %j', (value, type, expected) => {
    expect(formatValue(value, type)).toBe(expected);
  });

  test('printing a parsed value and parsing it again gives the same value', () => {
    const cases = fc.oneof(
      fc.record({ type: fc.constant<ConfigType>('INT'), raw: fc.integer().map(String) }),
      fc.record({
        type: fc.constant<ConfigType>('LONG'),
        raw: fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map(String),
      }),
      fc.record({
        type: fc.constant<ConfigType>('DOUBLE'),
        raw: fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => d.toString()),
      }),
      fc.record({
        type: fc.constant<ConfigType>('BOOLEAN'),
        raw: fc.constantFrom('true', 'FALSE'),
      }),
      fc.record({
        type: fc.constant<ConfigType>('LIST'),
        raw: fc
          .array(fc.stringMatching(/^[a-z0-9.]+$/), { minLength: 1 })
          .map((a) => a.join(' , ')),
      }),
    );
    fc.assert(
      fc.property(cases, ({ type, raw }) => {
        const value = parseType('k', raw, type);
        const printed = formatValue(value, type);
        expect(printed).not.toBeNull();
        expect(parseType('k', printed ?? '', type)).toEqual(value);
      }),
    );
  });
});
