import { brokerIdInUseMessage } from '../../../broker/zk/broker-zk';

describe('the duplicate broker.id message', () => {
  test("is one line with Kafka's wording, the owner, the session and what to do", () => {
    const message = brokerIdInUseMessage(1, '0x100000abc', '0x100000def', 4000);
    expect(message).not.toContain('\n');
    expect(message).toMatch(
      /^Error while creating ephemeral at \/brokers\/ids\/1, node already exists and owner '0x100000abc' does not match current session '0x100000def': another broker with broker.id=1 is registered/,
    );
    expect(message).toContain('zookeeper.session.timeout.ms (4000 ms)');
  });

  test('names a persistent node in the way', () => {
    expect(brokerIdInUseMessage(3, null, '0x1', 4000)).toMatch(
      /\/brokers\/ids\/3, node already exists and is a persistent node/,
    );
  });
});
