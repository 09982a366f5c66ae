import { GroupMetadata } from '../../../../broker/coordinator/group/group-metadata';
import { MemberMetadata } from '../../../../broker/coordinator/group/member-metadata';
import { subscribedTopicsOf } from '../../../../broker/coordinator/group/subscribed-topics';
import { subscription } from './coordinator-fixture';

function member(id: string, names: string[], topics = ['t']): MemberMetadata {
  return new MemberMetadata({
    memberId: id,
    groupId: 'g',
    groupInstanceId: null,
    clientId: id,
    clientHost: '/h',
    rebalanceTimeoutMs: 1000,
    sessionTimeoutMs: 1000,
    protocolType: 'consumer',
    supportedProtocols: names.map((name) => ({ name, metadata: subscription(topics) })),
  });
}

describe('group bookkeeping', () => {
  test('the protocol is one every member supports, chosen by the members’ votes', () => {
    const group = new GroupMetadata('g', 'Empty', 0);
    group.add(member('a', ['roundrobin', 'range']), undefined);
    group.add(member('b', ['roundrobin', 'range']), undefined);
    group.add(member('c', ['range', 'roundrobin']), undefined);
    expect(group.selectProtocol()).toBe('roundrobin');
    group.add(member('d', ['range', 'sticky']), undefined);
    expect([...group.candidateProtocols()]).toEqual(['range']);
    expect(group.selectProtocol()).toBe('range');
  });

  test('a joining member must share a protocol with every member (any, while Empty)', () => {
    const group = new GroupMetadata('g', 'Empty', 0);
    expect(group.supportsProtocols('consumer', ['x'])).toBe(true);
    expect(group.supportsProtocols('', ['x'])).toBe(false);
    group.add(member('a', ['range', 'sticky']), undefined);
    group.transitionTo('PreparingRebalance', 1);
    expect(group.supportsProtocols('consumer', ['sticky'])).toBe(true);
    expect(group.supportsProtocols('consumer', ['roundrobin'])).toBe(false);
    expect(group.supportsProtocols('connect', ['range'])).toBe(false);
  });

  test('the first member leads; a leaving leader is succeeded by a remaining member', () => {
    const group = new GroupMetadata('g', 'Empty', 0);
    group.add(member('a', ['range']), undefined);
    group.add(member('b', ['range']), undefined);
    expect(group.leaderId).toBe('a');
    group.remove('a');
    expect(group.leaderId).toBe('b');
    group.remove('b');
    expect(group.leaderId).toBeUndefined();
    expect(group.candidateProtocols().size).toBe(0);
  });

  test('a consumer group knows the topics its members subscribe to', () => {
    const group = new GroupMetadata('g', 'Empty', 0);
    group.add(member('a', ['range'], ['x', 'y']), undefined);
    group.add(member('b', ['range'], ['y', 'z']), undefined);
    group.transitionTo('PreparingRebalance', 1);
    group.initNextGeneration(2);
    expect(group.generationId).toBe(1);
    expect(group.currentState).toBe('CompletingRebalance');
    expect([...(group.subscribedTopics ?? [])].sort()).toEqual(['x', 'y', 'z']);
  });

  test('subscriptions decode from the version-0 prefix; anything else is unknown', () => {
    expect(subscribedTopicsOf(subscription(['a', 'bb']))).toEqual(['a', 'bb']);
    expect(subscribedTopicsOf(Buffer.from([0, 1, 0, 0, 0, 0]))).toEqual([]);
    expect(subscribedTopicsOf(Buffer.from([0, 0, 0, 0, 0, 5, 0]))).toBeUndefined();
    expect(subscribedTopicsOf(Buffer.from([0xff, 0xff]))).toBeUndefined();
  });
});
