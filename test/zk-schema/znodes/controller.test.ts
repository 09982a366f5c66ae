import * as clusterId from '../../../zk-schema/znodes/cluster-id';
import * as controller from '../../../zk-schema/znodes/controller';
import * as controllerEpoch from '../../../zk-schema/znodes/controller-epoch';
import { zkDataError } from './arbitraries';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('/cluster/id', () => {
  it('writes the version as the string "1", byte for byte as Kafka', () => {
    expect(clusterId.encode({ id: 'wvXvRmMIQQa3Jmx4XbdhvA' }).toString()).toBe(
      '{"version":"1","id":"wvXvRmMIQQa3Jmx4XbdhvA"}',
    );
    expect(clusterId.path()).toBe('/cluster/id');
    expect(clusterId.MODE).toBe('persistent');
  });

  it('generates 22-character URL-safe base64 ids that differ', () => {
    const a = clusterId.generateClusterId();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(clusterId.generateClusterId()).not.toBe(a);
  });

  it('accepts a numeric version 1 but refuses other versions and empty ids', () => {
    expect(clusterId.decode(bytes('{"version":1,"id":"x"}'))).toEqual({ id: 'x' });
    expect(zkDataError(() => clusterId.decode(bytes('{"version":"2","id":"x"}'))).message).toMatch(
      /\/cluster\/id: field "version": unsupported version/,
    );
    expect(zkDataError(() => clusterId.decode(bytes('{"version":"1","id":""}'))).message).toMatch(
      /field "id": empty cluster id/,
    );
  });
});

describe('/controller', () => {
  it('matches the reference payload byte for byte, timestamp as a string', () => {
    const encoded = controller.encode({ brokerId: 1, timestamp: 1620000000123 });
    expect(encoded.toString()).toBe('{"version":1,"brokerid":1,"timestamp":"1620000000123"}');
    expect(
      controller.decode(bytes('{"brokerid":2,"timestamp":"1620000000123","version":1}')),
    ).toEqual({
      brokerId: 2,
      timestamp: 1620000000123,
    });
    expect(controller.MODE).toBe('ephemeral');
    expect(controller.path()).toBe('/controller');
  });

  it('refuses a numeric timestamp, a negative broker id and a float broker id', () => {
    expect(
      zkDataError(() => controller.decode(bytes('{"version":1,"brokerid":1,"timestamp":5}')))
        .message,
    ).toMatch(/field "timestamp": expected a string/);
    expect(
      zkDataError(() => controller.decode(bytes('{"version":1,"brokerid":-1,"timestamp":"5"}')))
        .message,
    ).toMatch(/field "brokerid": expected an integer in \[0, 2147483647\], got number -1/);
    expect(zkDataError(() => controller.encode({ brokerId: 1.5, timestamp: 0 })).message).toMatch(
      /^refusing to write \/controller: field "brokerid"/,
    );
  });
});

describe('/controller_epoch', () => {
  it('is plain decimal text, not JSON', () => {
    expect(controllerEpoch.encode(5).toString()).toBe('5');
    expect(controllerEpoch.decode(bytes('17'))).toBe(17);
    expect(controllerEpoch.INITIAL_CONTROLLER_EPOCH).toBe(0);
  });

  it.each(['', '-1', '1.5', '{"epoch":1}', ' 1', '2147483648', '99999999999'])(
    'refuses %j',
    (text) => {
      const error = zkDataError(() => controllerEpoch.decode(bytes(text)));
      expect(error.message).toMatch(/^\/controller_epoch: /);
      expect(error.retriable).toBe(false);
    },
  );
});
