import fc from 'fast-check';
import * as configChange from '../../../zk-schema/znodes/config-change';
import * as entityConfig from '../../../zk-schema/znodes/entity-config';
import { ConfigEntity, DEFAULT_ENTITY } from '../../../zk-schema/znodes/entity-config';
import { desanitize, sanitize } from '../../../zk-schema/znodes/names';
import { unicode, zkDataError } from './arbitraries';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('sanitized entity names (Kafka Sanitizer)', () => {
  it('URL-encodes like Java URLEncoder, with %20 for space and %2A for *', () => {
    expect(sanitize('User:alice@EXAMPLE.COM')).toBe('User%3Aalice%40EXAMPLE.COM');
    expect(sanitize('a b*c~d')).toBe('a%20b%2Ac%7Ed');
    expect(sanitize('a-b_c.d')).toBe('a-b_c.d');
    expect(sanitize('ü/€')).toBe('%C3%BC%2F%E2%82%AC');
  });

  it('desanitizes + as space and lower-case escapes, and refuses malformed escapes', () => {
    expect(desanitize('a+b%2a', 'name')).toBe('a b*');
    expect(zkDataError(() => desanitize('a%2', 'user name')).message).toMatch(
      /invalid user name: malformed escape/,
    );
    expect(zkDataError(() => desanitize('%FF', 'user name')).message).toMatch(/invalid UTF-8/);
  });

  it('round-trips any Unicode name', () => {
    fc.assert(
      fc.property(unicode, (name) => {
        const s = sanitize(name);
        expect(s).toMatch(/^[A-Za-z0-9._%-]*$/);
        expect(desanitize(s, 'name')).toBe(name);
      }),
    );
  });
});

describe('/config/<type>/<name>', () => {
  it('builds every entity path, sanitizing users and clients but not <default>', () => {
    const cases: Array<[ConfigEntity, string]> = [
      [{ type: 'topics', name: 'orders' }, '/config/topics/orders'],
      [{ type: 'clients', name: 'app 1' }, '/config/clients/app%201'],
      [{ type: 'clients', name: DEFAULT_ENTITY }, '/config/clients/<default>'],
      [{ type: 'users', name: 'User:alice' }, '/config/users/User%3Aalice'],
      [{ type: 'users', name: 'alice', clientId: 'app/1' }, '/config/users/alice/clients/app%2F1'],
      [
        { type: 'users', name: DEFAULT_ENTITY, clientId: DEFAULT_ENTITY },
        '/config/users/<default>/clients/<default>',
      ],
      [{ type: 'brokers', name: '1' }, '/config/brokers/1'],
      [{ type: 'brokers', name: DEFAULT_ENTITY }, '/config/brokers/<default>'],
      [{ type: 'ips', name: '192.0.2.1' }, '/config/ips/192.0.2.1'],
      [{ type: 'ips', name: '2001:db8::1' }, '/config/ips/2001:db8::1'],
    ];
    for (const [entity, path] of cases) {
      expect(entityConfig.path(entity)).toBe(path);
      expect(entityConfig.parseEntityPath(path.slice('/config/'.length), 'test')).toEqual(entity);
    }
  });

  it.each<[string, ConfigEntity]>([
    ['an illegal topic', { type: 'topics', name: 'a/b' }],
    ['a default topic', { type: 'topics', name: DEFAULT_ENTITY }],
    ['a non-numeric broker', { type: 'brokers', name: 'one' }],
    ['a non-IP ips entity', { type: 'ips', name: 'example.com' }],
    ['an empty client id', { type: 'clients', name: '' }],
    ['clients nested under topics', { type: 'topics', name: 't', clientId: 'c' }],
  ])('refuses to build a path for %s', (_name, entity) => {
    expect(zkDataError(() => entityConfig.path(entity)).message).toMatch(/config entity/);
  });

  it('writes {"version":1,"config":{...}} with string values', () => {
    expect(entityConfig.encode(new Map()).toString()).toBe('{"version":1,"config":{}}');
    expect(
      entityConfig
        .encode(
          new Map([
            ['retention.ms', '86400000'],
            ['cleanup.policy', 'compact'],
          ]),
        )
        .toString(),
    ).toBe('{"version":1,"config":{"retention.ms":"86400000","cleanup.policy":"compact"}}');
  });

  it('reads empty data and a missing config as no configs', () => {
    expect(entityConfig.decode(Buffer.alloc(0))).toEqual(new Map());
    expect(entityConfig.decode(bytes('{"version":1}'))).toEqual(new Map());
  });

  it('refuses non-string values and a config key named __proto__', () => {
    expect(
      zkDataError(() =>
        entityConfig.decode(
          bytes('{"version":1,"config":{"retention.ms":86400000}}'),
          '/config/topics/t',
        ),
      ).message,
    ).toBe('/config/topics/t: field "config.retention.ms": expected a string, got number 86400000');
    expect(zkDataError(() => entityConfig.encode(new Map([['__proto__', 'x']]))).message).toMatch(
      /^refusing to write \/config\/<type>\/<name>: forbidden key "__proto__"/,
    );
  });
});

describe('/config/changes/config_change_<seq>', () => {
  it('writes version 2 with the sanitized entity_path', () => {
    expect(configChange.encode({ entity: { type: 'topics', name: 'orders' } }).toString()).toBe(
      '{"version":2,"entity_path":"topics/orders"}',
    );
    expect(
      configChange
        .encode({ entity: { type: 'users', name: 'User:alice', clientId: 'app' } })
        .toString(),
    ).toBe('{"version":2,"entity_path":"users/User%3Aalice/clients/app"}');
    expect(configChange.STORE).toEqual({ root: '/config/changes', prefix: 'config_change_' });
    expect(configChange.MODE).toBe('persistent-sequential');
  });

  it('accepts version 1 for topics and clients only', () => {
    expect(
      configChange.decode(bytes('{"version":1,"entity_type":"topics","entity_name":"orders"}')),
    ).toEqual({ entity: { type: 'topics', name: 'orders' } });
    expect(
      configChange.decode(bytes('{"version":1,"entity_type":"clients","entity_name":"app%201"}')),
    ).toEqual({ entity: { type: 'clients', name: 'app 1' } });
    expect(
      zkDataError(() =>
        configChange.decode(bytes('{"version":1,"entity_type":"users","entity_name":"u"}')),
      ).message,
    ).toMatch(/version 1 notifications only name topics or clients/);
  });

  it.each([
    '{"version":2,"entity_path":"topics"}',
    '{"version":2,"entity_path":"widgets/x"}',
    '{"version":2,"entity_path":"topics/../x"}',
    '{"version":2,"entity_path":"users/u/clients"}',
    '{"version":2,"entity_path":"clients/a/b"}',
    '{"version":2,"entity_path":"brokers/-1"}',
    '{"version":3,"entity_path":"topics/t"}',
    '{"version":2}',
  ])('refuses %s', (text) => {
    const error = zkDataError(() =>
      configChange.decode(bytes(text), '/config/changes/config_change_0000000001'),
    );
    expect(error.message).toMatch(/^\/config\/changes\/config_change_0000000001: /);
  });
});

describe('entity paths with bad escapes', () => {
  it('names the notification and the malformed escape', () => {
    expect(
      zkDataError(() =>
        entityConfig.parseEntityPath('users/a%zz', '/config/changes/config_change_0000000007'),
      ).message,
    ).toBe(
      '/config/changes/config_change_0000000007: invalid entity path string "users/a%zz": invalid name: malformed escape in string "a%zz"',
    );
  });
});
