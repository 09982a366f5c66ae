import { diffBrokers } from '../../../broker/controller/broker-change';

describe('BrokerChange diff (KIP-380 broker epochs)', () => {
  it('finds new, dead and bounced brokers by id and epoch', () => {
    const registered = new Map([
      [1, 100],
      [3, 350],
      [4, 400],
      [2, 200],
    ]);
    const known = new Map([
      [1, 100],
      [2, 150],
      [3, 350],
      [5, 500],
    ]);
    expect(diffBrokers(registered, known)).toEqual({
      newBrokerIds: [4],
      deadBrokerIds: [5],
      bouncedBrokerIds: [2],
    });
  });

  it('does not treat an older epoch as a bounce', () => {
    expect(diffBrokers(new Map([[1, 90]]), new Map([[1, 100]])).bouncedBrokerIds).toEqual([]);
  });

  it('sees nothing when the registrations match', () => {
    const same = new Map([
      [2, 20],
      [1, 10],
    ]);
    expect(diffBrokers(same, same)).toEqual({
      newBrokerIds: [],
      deadBrokerIds: [],
      bouncedBrokerIds: [],
    });
  });
});
