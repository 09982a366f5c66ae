import * as brokerRegistration from '../../../zk-schema/znodes/broker-registration';
import * as brokerSeqid from '../../../zk-schema/znodes/broker-seqid';
import { BrokerRegistration } from '../../../zk-schema/znodes/broker-registration';
import { zkDataError } from './arbitraries';

const bytes = (text: string) => Buffer.from(text, 'utf8');

const V5_EXAMPLE =
  '{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT","SSL":"SSL"},' +
  '"endpoints":["PLAINTEXT://kafka1:9092","SSL://kafka1:9093"],"jmx_port":-1,' +
  '"host":"kafka1","timestamp":"1620000000000","port":9092,"version":5}';

const kafka1: BrokerRegistration = {
  endpoints: [
    { listenerName: 'PLAINTEXT', host: 'kafka1', port: 9092, securityProtocol: 'PLAINTEXT' },
    { listenerName: 'SSL', host: 'kafka1', port: 9093, securityProtocol: 'SSL' },
  ],
  jmxPort: -1,
  timestamp: 1620000000000,
  features: new Map(),
};

describe('/brokers/ids/<id>', () => {
  it('builds the path and is ephemeral', () => {
    expect(brokerRegistration.path(2)).toBe('/brokers/ids/2');
    expect(brokerRegistration.idsPath()).toBe('/brokers/ids');
    expect(brokerRegistration.MODE).toBe('ephemeral');
    expect(() => brokerRegistration.path(-1)).toThrow(/invalid broker id/);
    expect(brokerRegistration.parseChildName('1001')).toBe(1001);
    expect(() => brokerRegistration.parseChildName('01')).toThrow(/not a canonical id/);
  });

  it('writes the reference v5 example byte for byte', () => {
    expect(brokerRegistration.encode(kafka1).toString()).toBe(V5_EXAMPLE);
    expect(brokerRegistration.decode(bytes(V5_EXAMPLE))).toEqual(kafka1);
  });

  it('copies the first PLAINTEXT endpoint to host/port, or null/-1 without one', () => {
    const sslOnly = brokerRegistration.encode({
      ...kafka1,
      endpoints: [{ listenerName: 'SSL', host: 'kafka1', port: 9093, securityProtocol: 'SSL' }],
    });
    const json = JSON.parse(sslOnly.toString());
    expect(json.host).toBeNull();
    expect(json.port).toBe(-1);
    const internal = JSON.parse(
      brokerRegistration
        .encode({
          ...kafka1,
          endpoints: [
            { listenerName: 'EXTERNAL', host: 'ext', port: 19092, securityProtocol: 'SSL' },
            { listenerName: 'INTERNAL', host: 'int', port: 9092, securityProtocol: 'PLAINTEXT' },
          ],
        })
        .toString(),
    );
    expect([internal.host, internal.port]).toEqual(['int', 9092]);
  });

  it('writes rack only when set, and brackets IPv6 hosts', () => {
    const encoded = brokerRegistration.encode({
      ...kafka1,
      rack: 'dc1',
      endpoints: [
        { listenerName: 'PLAINTEXT', host: '::1', port: 9092, securityProtocol: 'PLAINTEXT' },
      ],
    });
    const json = JSON.parse(encoded.toString());
    expect(json.rack).toBe('dc1');
    expect(json.endpoints).toEqual(['PLAINTEXT://[::1]:9092']);
    expect(brokerRegistration.decode(encoded).endpoints[0].host).toBe('::1');
    expect('rack' in JSON.parse(brokerRegistration.encode(kafka1).toString())).toBe(false);
  });

  it('decodes a v4 registration (2.6-style, with rack and a custom listener map)', () => {
    const v4 =
      '{"listener_security_protocol_map":{"CLIENT":"SASL_SSL","REPLICATION":"PLAINTEXT"},' +
      '"endpoints":["CLIENT://host1:9092","REPLICATION://host1:9093"],"rack":"dc1",' +
      '"jmx_port":9999,"host":"host1","timestamp":"2233345666","port":9093,"version":4}';
    expect(brokerRegistration.decode(bytes(v4))).toEqual({
      endpoints: [
        { listenerName: 'CLIENT', host: 'host1', port: 9092, securityProtocol: 'SASL_SSL' },
        { listenerName: 'REPLICATION', host: 'host1', port: 9093, securityProtocol: 'PLAINTEXT' },
      ],
      jmxPort: 9999,
      timestamp: 2233345666,
      rack: 'dc1',
      features: new Map(),
    });
  });

  it('decodes v1 (host/port only) and v2 (listener names are protocols)', () => {
    expect(
      brokerRegistration.decode(
        bytes(
          '{"version":1,"host":"localhost","port":9092,"jmx_port":9999,"timestamp":"2233345666"}',
        ),
      ).endpoints,
    ).toEqual([
      { listenerName: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT' },
    ]);
    expect(
      brokerRegistration
        .decode(
          bytes(
            '{"version":2,"host":"h","port":9092,"jmx_port":-1,"timestamp":"1",' +
              '"endpoints":["PLAINTEXT://h:9092","SSL://h:9093"]}',
          ),
        )
        .endpoints.map((e) => e.securityProtocol),
    ).toEqual(['PLAINTEXT', 'SSL']);
  });

  it('decodes supported features of v5', () => {
    const decoded = brokerRegistration.decode(
      bytes(
        '{"version":5,"features":{"metadata.version":{"min_version":1,"max_version":3}},' +
          '"endpoints":["PLAINTEXT://h:1"],"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},' +
          '"jmx_port":-1,"host":"h","port":1,"timestamp":"1"}',
      ),
    );
    expect(decoded.features).toEqual(
      new Map([['metadata.version', { minVersion: 1, maxVersion: 3 }]]),
    );
  });

  it.each([
    ['version 6', '{"version":6}', /field "version": unsupported version number 6/],
    [
      'an endpoint without port',
      '{"version":4,"jmx_port":-1,"timestamp":"1","endpoints":["PLAINTEXT://h"],"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"}}',
      /field "endpoints\[0\]": expected "LISTENER:\/\/host:port"/,
    ],
    [
      'a listener missing from the protocol map',
      '{"version":4,"jmx_port":-1,"timestamp":"1","endpoints":["X://h:1"],"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"}}',
      /listener X missing from listener_security_protocol_map/,
    ],
    [
      'an unknown security protocol',
      '{"version":2,"jmx_port":-1,"timestamp":"1","endpoints":["GOPHER://h:1"]}',
      /unknown security protocol "GOPHER"/,
    ],
    [
      'a port above 65535',
      '{"version":2,"jmx_port":-1,"timestamp":"1","endpoints":["SSL://h:70000"]}',
      /port 70000 out of range/,
    ],
    [
      'a duplicate listener',
      '{"version":2,"jmx_port":-1,"timestamp":"1","endpoints":["SSL://h:1","SSL://h:2"]}',
      /duplicate listener SSL/,
    ],
    [
      'an inverted feature range',
      '{"version":5,"jmx_port":-1,"timestamp":"1","endpoints":[],"features":{"f":{"min_version":3,"max_version":1}}}',
      /max_version 1 is below min_version 3/,
    ],
    [
      'a missing jmx_port',
      '{"version":4,"timestamp":"1","endpoints":[]}',
      /missing field "jmx_port"/,
    ],
  ])('refuses %s', (_name, text, pattern) => {
    const error = zkDataError(() => brokerRegistration.decode(bytes(text), '/brokers/ids/7'));
    expect(error.message).toMatch(/^\/brokers\/ids\/7: /);
    expect(error.message).toMatch(pattern);
  });
});

describe('/brokers/seqid', () => {
  it('generates ids above reserved.broker.max.id from the new zkVersion', () => {
    expect(brokerSeqid.path()).toBe('/brokers/seqid');
    expect(brokerSeqid.encode().length).toBe(0);
    expect(brokerSeqid.generatedBrokerId(1)).toBe(1001);
    expect(brokerSeqid.generatedBrokerId(2, 5000)).toBe(5002);
    expect(() => brokerSeqid.generatedBrokerId(0)).toThrow(/cannot generate a broker id/);
  });
});
