import type { Endpoint } from '../../../broker/config/listeners';
import { brokerRegistrationInfo } from '../../../broker/server/broker-registration-info';
import * as brokerRegistration from '../../../zk-schema/znodes/broker-registration';

function endpoint(listenerName: string, host: string, port: number): Endpoint {
  return { listenerName, host, port, securityProtocol: 'PLAINTEXT' };
}

describe('brokerRegistrationInfo', () => {
  test("encodes to Kafka's v5 registration JSON with jmx_port -1 and no features", () => {
    const info = brokerRegistrationInfo(
      { advertisedListeners: [endpoint('PLAINTEXT', 'kafka1', 9092)], brokerRack: null },
      [endpoint('PLAINTEXT', '', 9092)],
      1620000000000,
    );
    expect(JSON.parse(brokerRegistration.encode(info).toString())).toEqual({
      features: {},
      listener_security_protocol_map: { PLAINTEXT: 'PLAINTEXT' },
      endpoints: ['PLAINTEXT://kafka1:9092'],
      jmx_port: -1,
      host: 'kafka1',
      timestamp: '1620000000000',
      port: 9092,
      version: 5,
    });
  });

  test('an advertised port 0 becomes the port the listener was bound to', () => {
    const info = brokerRegistrationInfo(
      {
        advertisedListeners: [endpoint('PLAINTEXT', 'h', 0), endpoint('INTERNAL', 'h', 9999)],
        brokerRack: null,
      },
      [endpoint('PLAINTEXT', '127.0.0.1', 40123), endpoint('INTERNAL', '127.0.0.1', 9999)],
      1,
    );
    expect(info.endpoints.map((e) => `${e.listenerName}:${e.port}`)).toEqual([
      'PLAINTEXT:40123',
      'INTERNAL:9999',
    ]);
  });

  test('broker.rack appears only when set', () => {
    const base = { advertisedListeners: [endpoint('PLAINTEXT', 'h', 1)] };
    const bound = [endpoint('PLAINTEXT', 'h', 1)];
    expect(brokerRegistrationInfo({ ...base, brokerRack: 'r1' }, bound, 1).rack).toBe('r1');
    expect('rack' in brokerRegistrationInfo({ ...base, brokerRack: null }, bound, 1)).toBe(false);
  });
});
