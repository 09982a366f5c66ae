import { clientHost } from '../../../../broker/handlers/group/services';

describe('group handler helpers', () => {
  test("a member's host is shown as Kafka shows it: /address, IPv4 seen through IPv6 as IPv4", () => {
    expect(clientHost('127.0.0.1')).toBe('/127.0.0.1');
    expect(clientHost('::ffff:10.1.2.3')).toBe('/10.1.2.3');
    expect(clientHost('::1')).toBe('/::1');
  });
});
