import { ConfigError } from '../../../broker/config/config-error';
import { KafkaConfig } from '../../../broker/config/kafka-config';
import {
  endpointString,
  parseListeners,
  parseSecurityProtocolMap,
} from '../../../broker/config/listeners';

const DEFAULT_MAP = parseSecurityProtocolMap('listener.security.protocol.map', [
  'PLAINTEXT:PLAINTEXT',
  'SSL:SSL',
  'INTERNAL:PLAINTEXT',
  'EXTERNAL:SSL',
]);

function listeners(value: string, distinctPorts = true) {
  return parseListeners('listeners', value.split(','), DEFAULT_MAP, distinctPorts);
}

function config(props: Record<string, string>) {
  return KafkaConfig.fromProperties(
    { 'zookeeper.connect': 'zk:2181', ...props },
    {},
    { hostname: 'box.local' },
  );
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseListeners', () => {
  test('parses names (upper-cased), hosts of every kind and ports', () => {
    expect(
      listeners('PLAINTEXT://broker1:9092,internal://[::1]:9093,EXTERNAL://:0,SSL://0.0.0.0:0'),
    ).toEqual([
      { listenerName: 'PLAINTEXT', host: 'broker1', port: 9092, securityProtocol: 'PLAINTEXT' },
      { listenerName: 'INTERNAL', host: '::1', port: 9093, securityProtocol: 'PLAINTEXT' },
      { listenerName: 'EXTERNAL', host: '', port: 0, securityProtocol: 'SSL' },
      { listenerName: 'SSL', host: '0.0.0.0', port: 0, securityProtocol: 'SSL' },
    ]);
  });

  test('endpointString writes the form stored in /brokers/ids, IPv6 in brackets', () => {
    const [a, b] = listeners('PLAINTEXT://10.0.0.1:9092,INTERNAL://[fe80::1]:9093');
    expect(endpointString(a)).toBe('PLAINTEXT://10.0.0.1:9092');
    expect(endpointString(b)).toBe('INTERNAL://[fe80::1]:9093');
  });

  test.each([
    ['broker1:9092', 'Unable to parse broker1:9092 to a broker endpoint'],
    ['PLAINTEXT://broker1', 'Unable to parse PLAINTEXT://broker1 to a broker endpoint'],
    ['PLAINTEXT://::1:9092', 'Unable to parse PLAINTEXT://::1:9092 to a broker endpoint'],
    ['PLAINTEXT://host:abc', 'Unable to parse PLAINTEXT://host:abc to a broker endpoint'],
    ['PLAINTEXT://[zz]:9092', '[zz] in PLAINTEXT://[zz]:9092 is not an IPv6 address'],
    ['PLAINTEXT://h$st:9092', 'h$st in PLAINTEXT://h$st:9092 is not a valid host name'],
    ['PLAINTEXT://host:70000', 'Port 70000 in PLAINTEXT://host:70000 is out of range 0-65535'],
    ['PLAIN-TEXT://host:9092', "Listener name 'PLAIN-TEXT' in PLAIN-TEXT://host:9092 must be"],
    ['FOO://:9092', 'No security protocol defined for listener FOO'],
  ])('%j is rejected: %s', (value, reason) => {
    const message = failure(() => listeners(value));
    expect(message).toMatch(
      new RegExp(`^Invalid value ${escapeRegExp(value)} for configuration listeners: `),
    );
    expect(message).toContain(reason);
  });

  test('listener names must be unique, ignoring case', () => {
    expect(failure(() => listeners('PLAINTEXT://:9092,plaintext://:9093'))).toContain(
      'Each listener must have a different name; PLAINTEXT appears twice',
    );
  });

  test('ports must be unique, except 0; advertised listeners may share ports', () => {
    expect(failure(() => listeners('PLAINTEXT://a:9092,INTERNAL://b:9092'))).toContain(
      'Each listener must have a different port; port 9092 appears twice',
    );
    expect(listeners('PLAINTEXT://:0,INTERNAL://:0')).toHaveLength(2);
    expect(listeners('PLAINTEXT://a:9092,INTERNAL://b:9092', false)).toHaveLength(2);
  });
});

describe('parseSecurityProtocolMap', () => {
  test('maps upper-cased names to protocols', () => {
    const map = parseSecurityProtocolMap('m', ['internal:plaintext', ' EXTERNAL : SASL_SSL ']);
    expect([...map]).toEqual([
      ['INTERNAL', 'PLAINTEXT'],
      ['EXTERNAL', 'SASL_SSL'],
    ]);
  });

  test.each([
    [['INTERNAL'], "Map entry 'INTERNAL' should be of form <listener name>:<security protocol>"],
    [['A:B:C'], "Map entry 'A:B:C' should be of form"],
    [['X:TLS'], 'Unknown security protocol TLS for listener X'],
    [['X:SSL', 'x:PLAINTEXT'], 'Listener X appears twice'],
  ])('%j is rejected', (entries, reason) => {
    const message = failure(() =>
      parseSecurityProtocolMap('listener.security.protocol.map', entries),
    );
    expect(message).toMatch(/^Invalid value .* for configuration listener.security.protocol.map: /);
    expect(message).toContain(reason);
  });
});

describe('listeners in KafkaConfig', () => {
  test('advertised.listeners defaults to listeners; an empty host advertises the hostname', () => {
    const c = config({ listeners: 'PLAINTEXT://:9092' });
    expect(c.listeners[0].host).toBe('');
    expect(c.advertisedListeners).toEqual([
      { listenerName: 'PLAINTEXT', host: 'box.local', port: 9092, securityProtocol: 'PLAINTEXT' },
    ]);
  });

  test('explicit advertised listeners are used as given', () => {
    const c = config({
      listeners: 'PLAINTEXT://0.0.0.0:9092',
      'advertised.listeners': 'PLAINTEXT://broker1.example.com:19092',
    });
    expect(c.advertisedListeners.map(endpointString)).toEqual([
      'PLAINTEXT://broker1.example.com:19092',
    ]);
  });

  test('0.0.0.0 cannot be advertised, also when advertised.listeners defaults to listeners', () => {
    expect(failure(() => config({ listeners: 'PLAINTEXT://0.0.0.0:9092' }))).toMatch(
      /^listeners cannot use the nonroutable meta-address 0.0.0.0/,
    );
    expect(
      failure(() =>
        config({ listeners: 'PLAINTEXT://:9092', 'advertised.listeners': 'PLAINTEXT://[::]:9092' }),
      ),
    ).toMatch(/^advertised.listeners cannot use the nonroutable meta-address ::/);
  });

  test('advertised listener names must be among the listeners', () => {
    expect(
      failure(() =>
        config({
          listeners: 'PLAINTEXT://:9092',
          'advertised.listeners': 'PLAINTEXT://h:9092,SSL://h:9093',
        }),
      ),
    ).toBe(
      'advertised.listeners listener names must be equal to or a subset of the ones defined in ' +
        'listeners. Found PLAINTEXT,SSL. The valid options based on the current configuration ' +
        'are PLAINTEXT',
    );
  });

  test('no listener at all is an error', () => {
    expect(failure(() => config({ listeners: '' }))).toBe(
      'Invalid value  for configuration listeners: At least one listener is required',
    );
  });

  test('a custom listener needs an entry in listener.security.protocol.map', () => {
    expect(failure(() => config({ listeners: 'INTERNAL://:9093' }))).toContain(
      'No security protocol defined for listener INTERNAL',
    );
  });

  test('the inter-broker listener defaults to the one named after the inter-broker protocol', () => {
    const props = {
      listeners: 'INTERNAL://:9093,EXTERNAL://:9094',
      'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,EXTERNAL:SSL',
    };
    expect(failure(() => config(props))).toBe(
      'inter.broker.listener.name must be a listener name defined in advertised.listeners (it ' +
        'is PLAINTEXT). The valid options based on currently configured listeners are ' +
        'INTERNAL,EXTERNAL',
    );
    const c = config({ ...props, 'inter.broker.listener.name': 'internal' });
    expect(c.interBrokerListenerName).toBe('INTERNAL');
    expect(c.interBrokerSecurityProtocol).toBe('PLAINTEXT');
  });

  test('security.inter.broker.protocol picks the listener of that name', () => {
    const c = config({
      listeners: 'PLAINTEXT://:9092,SSL://:9093',
      'security.inter.broker.protocol': 'SSL',
    });
    expect(c.interBrokerListenerName).toBe('SSL');
    expect(c.interBrokerSecurityProtocol).toBe('SSL');
  });

  test('inter.broker.listener.name and security.inter.broker.protocol may not both be set', () => {
    expect(
      failure(() =>
        config({
          'inter.broker.listener.name': 'PLAINTEXT',
          'security.inter.broker.protocol': 'PLAINTEXT',
        }),
      ),
    ).toBe(
      'Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.',
    );
  });

  test('the control-plane listener must be advertised and differ from the inter-broker one', () => {
    const props = {
      listeners: 'PLAINTEXT://:9092,CONTROLLER://:9094',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    };
    expect(
      config({ ...props, 'control.plane.listener.name': 'controller' }).controlPlaneListenerName,
    ).toBe('CONTROLLER');
    expect(failure(() => config({ ...props, 'control.plane.listener.name': 'PLAINTEXT' }))).toBe(
      'control.plane.listener.name, inter.broker.listener.name should be different.',
    );
    expect(failure(() => config({ ...props, 'control.plane.listener.name': 'OTHER' }))).toMatch(
      /^control.plane.listener.name must be a listener name defined in advertised.listeners/,
    );
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
