import { parseSrvr } from '../../../ops/zookeeper/four-letter-word';

describe('srvr answer parsing', () => {
  it('reads mode, zxid, version and node count from a serving node', () => {
    const answer = [
      'Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC',
      'Latency min/avg/max: 0/0.0/0',
      'Received: 3',
      'Sent: 2',
      'Connections: 1',
      'Outstanding: 0',
      'Zxid: 0x100000002',
      'Mode: follower',
      'Node count: 5',
      '',
    ].join('\n');
    expect(parseSrvr(answer)).toEqual({
      serving: true,
      mode: 'follower',
      version: '3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC',
      zxid: '0x100000002',
      nodeCount: 5,
    });
  });

  it.each(['leader', 'follower', 'observer', 'standalone'])('accepts mode %s', (mode) => {
    expect(parseSrvr(`Mode: ${mode}\n`)).toMatchObject({ serving: true, mode });
  });

  it('reports a node without quorum as not serving, with its message', () => {
    expect(parseSrvr('This ZooKeeper instance is not currently serving requests\n')).toEqual({
      serving: false,
      reason: 'This ZooKeeper instance is not currently serving requests',
    });
  });

  it('reports a word missing from the whitelist, an unknown mode and an empty answer', () => {
    expect(parseSrvr('srvr is not executed because it is not in the whitelist.\n')).toMatchObject({
      serving: false,
      reason: 'srvr is not executed because it is not in the whitelist.',
    });
    expect(parseSrvr('Mode: read-only\n')).toMatchObject({ serving: false });
    expect(parseSrvr('')).toEqual({ serving: false, reason: 'empty answer' });
  });
});
