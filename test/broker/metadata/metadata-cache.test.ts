import {
  LEADER_DURING_DELETE,
  MetadataCache,
  type UpdateMetadataRequest,
} from '../../../broker/metadata/metadata-cache';
import { errorByName } from '../../../client/protocol/error-codes';

const code = (name: Parameters<typeof errorByName>[0]): number => errorByName(name).code;

/** A live broker with a CLIENT and a REPLICATION listener (or only `listeners`). */
function broker(id: number, listeners: string[] = ['CLIENT', 'REPLICATION'], rack?: string) {
  return {
    id,
    rack,
    endpoints: listeners.map((listener, i) => ({
      listener,
      host: `host${id}`,
      port: 9000 + id * 10 + i,
      securityProtocol: 0,
    })),
  };
}

interface PartitionSpec {
  partition: number;
  leader: number;
  replicas: number[];
  isr?: number[];
  offline?: number[];
  leaderEpoch?: number;
}

function request(
  topics: Record<string, PartitionSpec[]>,
  brokers = [broker(1), broker(2), broker(3)],
  extra: Partial<UpdateMetadataRequest> = {},
): UpdateMetadataRequest {
  return {
    controllerId: 1,
    controllerEpoch: 1,
    brokerEpoch: -1,
    liveBrokers: brokers,
    topicStates: Object.entries(topics).map(([topicName, partitions]) => ({
      topicName,
      partitionStates: partitions.map((p) => ({
        partitionIndex: p.partition,
        controllerEpoch: 1,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch ?? 0,
        isr: p.isr ?? p.replicas,
        zkVersion: 0,
        replicas: p.replicas,
        offlineReplicas: p.offline ?? [],
      })),
    })),
    ...extra,
  };
}

describe('MetadataCache updates', () => {
  test('an empty cache knows no broker, no controller and no topic', () => {
    const cache = new MetadataCache();
    expect(cache.aliveBrokers()).toEqual([]);
    expect(cache.controllerId()).toBe(-1);
    expect(cache.topics()).toEqual([]);
    expect(cache.topicMetadata(null, 'CLIENT')).toEqual([]);
  });

  test('live brokers and the controller id are replaced by each request', () => {
    const cache = new MetadataCache();
    cache.update(request({}, [broker(1), broker(2)], { controllerId: 2 }));
    expect(cache.aliveBrokers().map((b) => b.id)).toEqual([1, 2]);
    expect(cache.controllerId()).toBe(2);
    cache.update(request({}, [broker(3)], { controllerId: -1 }));
    expect(cache.aliveBrokers().map((b) => b.id)).toEqual([3]);
    expect(cache.aliveBroker(1)).toBeUndefined();
    expect(cache.controllerId()).toBe(-1);
  });

  test('partition states are merged: named partitions replaced whole, others kept', () => {
    const cache = new MetadataCache();
    cache.update(
      request({
        orders: [
          { partition: 0, leader: 1, replicas: [1, 2] },
          { partition: 1, leader: 2, replicas: [2, 3] },
        ],
      }),
    );
    cache.update(
      request({
        orders: [{ partition: 1, leader: 3, replicas: [2, 3], isr: [3], leaderEpoch: 4 }],
      }),
    );
    expect(cache.numPartitions('orders')).toBe(2);
    expect(cache.partitionState('orders', 0)?.leader).toBe(1);
    expect(cache.partitionState('orders', 1)).toMatchObject({
      leader: 3,
      leaderEpoch: 4,
      isr: [3],
      replicas: [2, 3],
    });
  });

  test('leader -2 removes the partition, and a topic without partitions disappears', () => {
    const cache = new MetadataCache();
    cache.update(
      request({
        orders: [
          { partition: 0, leader: 1, replicas: [1] },
          { partition: 1, leader: 2, replicas: [2] },
        ],
        other: [{ partition: 0, leader: 1, replicas: [1] }],
      }),
    );
    const removed = cache.update(
      request({
        orders: [
          { partition: 0, leader: LEADER_DURING_DELETE, replicas: [1] },
          { partition: 1, leader: LEADER_DURING_DELETE, replicas: [2] },
        ],
      }),
    );
    expect(removed).toEqual([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
    ]);
    expect(cache.hasTopic('orders')).toBe(false);
    expect(cache.numPartitions('orders')).toBeUndefined();
    expect(cache.topics()).toEqual(['other']);
  });

  test('a deletion marker for an unknown topic changes nothing', () => {
    const cache = new MetadataCache();
    expect(
      cache.update(
        request({ ghost: [{ partition: 0, leader: LEADER_DURING_DELETE, replicas: [1] }] }),
      ),
    ).toEqual([]);
    expect(cache.hasTopic('ghost')).toBe(false);
  });

  test('update listeners run after every update until unregistered', () => {
    const cache = new MetadataCache();
    const seen: number[] = [];
    const off = cache.onUpdate(() => seen.push(cache.aliveBrokers().length));
    cache.update(request({}, [broker(1)]));
    cache.update(request({}, [broker(1), broker(2)]));
    off();
    cache.update(request({}, []));
    expect(seen).toEqual([1, 2]);
  });
});

describe('MetadataCache controller-epoch fencing', () => {
  test('an epoch at least as high as the highest seen is accepted and remembered', () => {
    const cache = new MetadataCache();
    expect(cache.controllerEpochSeen()).toBe(-1);
    expect(cache.observeControllerEpoch(3)).toBe(true);
    expect(cache.observeControllerEpoch(3)).toBe(true);
    expect(cache.controllerEpochSeen()).toBe(3);
    expect(cache.observeControllerEpoch(5)).toBe(true);
    expect(cache.controllerEpochSeen()).toBe(5);
  });

  test('a lower epoch is refused and does not lower the highest seen', () => {
    const cache = new MetadataCache();
    cache.observeControllerEpoch(5);
    expect(cache.observeControllerEpoch(4)).toBe(false);
    expect(cache.controllerEpochSeen()).toBe(5);
  });
});

describe('MetadataCache.topicMetadata', () => {
  test('a healthy partition has its leader, replicas, ISR, epoch and no error', () => {
    const cache = new MetadataCache();
    cache.update(
      request({ orders: [{ partition: 0, leader: 2, replicas: [2, 3, 1], leaderEpoch: 7 }] }),
    );
    expect(cache.topicMetadata(['orders'], 'CLIENT')).toEqual([
      {
        errorCode: 0,
        name: 'orders',
        isInternal: false,
        partitions: [
          {
            errorCode: 0,
            partitionIndex: 0,
            leaderId: 2,
            leaderEpoch: 7,
            replicaNodes: [2, 3, 1],
            isrNodes: [2, 3, 1],
            offlineReplicas: [],
          },
        ],
      },
    ]);
  });

  test('replicas on brokers that are not alive are offline, with REPLICA_NOT_AVAILABLE', () => {
    const cache = new MetadataCache();
    cache.update(
      request({ orders: [{ partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2] }] }, [
        broker(1),
        broker(2),
      ]),
    );
    const [partition] = cache.topicMetadata(['orders'], 'CLIENT')[0].partitions ?? [];
    expect(partition).toMatchObject({
      errorCode: code('REPLICA_NOT_AVAILABLE'),
      leaderId: 1,
      replicaNodes: [1, 2, 3],
      isrNodes: [1, 2],
      offlineReplicas: [3],
    });
  });

  test('offline replicas reported by the controller are listed even on live brokers', () => {
    const cache = new MetadataCache();
    cache.update(
      request({ orders: [{ partition: 0, leader: 1, replicas: [1, 2], isr: [1], offline: [2] }] }),
    );
    const [partition] = cache.topicMetadata(['orders'], 'CLIENT')[0].partitions ?? [];
    expect(partition.offlineReplicas).toEqual([2]);
    expect(partition.errorCode).toBe(0);
  });

  test('a partition without leader, or whose leader is not alive, is LEADER_NOT_AVAILABLE', () => {
    const cache = new MetadataCache();
    cache.update(
      request(
        {
          orders: [
            { partition: 0, leader: -1, replicas: [1, 2], isr: [1] },
            { partition: 1, leader: 3, replicas: [3, 1], isr: [3] },
          ],
        },
        [broker(1), broker(2)],
      ),
    );
    const partitions = cache.topicMetadata(['orders'], 'CLIENT')[0].partitions ?? [];
    for (const p of partitions) {
      expect(p.errorCode).toBe(code('LEADER_NOT_AVAILABLE'));
      expect(p.leaderId).toBe(-1);
    }
    expect(partitions[1].offlineReplicas).toEqual([3]);
    expect(partitions[1].leaderEpoch).toBe(0);
  });

  test('a live leader without an endpoint on the request listener is LISTENER_NOT_FOUND', () => {
    const cache = new MetadataCache();
    cache.update(
      request({ orders: [{ partition: 0, leader: 2, replicas: [2] }] }, [
        broker(1),
        broker(2, ['REPLICATION']),
      ]),
    );
    const [partition] = cache.topicMetadata(['orders'], 'CLIENT')[0].partitions ?? [];
    expect(partition.errorCode).toBe(code('LISTENER_NOT_FOUND'));
    expect(partition.leaderId).toBe(-1);
    expect(cache.topicMetadata(['orders'], 'REPLICATION')[0].partitions?.[0].leaderId).toBe(2);
  });

  test('brokers are listed with the endpoint of the request listener only', () => {
    const cache = new MetadataCache();
    cache.update(request({}, [broker(1), broker(2, ['REPLICATION'], 'rack-b')]));
    expect(cache.brokerMetadata('CLIENT')).toEqual([{ nodeId: 1, host: 'host1', port: 9010 }]);
    expect(cache.brokerMetadata('REPLICATION')).toEqual([
      { nodeId: 1, host: 'host1', port: 9011 },
      { nodeId: 2, host: 'host2', port: 9020, rack: 'rack-b' },
    ]);
    expect(cache.aliveEndpoint(2, 'REPLICATION')).toEqual({
      listenerName: 'REPLICATION',
      host: 'host2',
      port: 9020,
      securityProtocol: 'PLAINTEXT',
    });
  });

  test('all topics come sorted by name, partitions by index, internal topics flagged', () => {
    const cache = new MetadataCache();
    cache.update(
      request({
        zeta: [
          { partition: 1, leader: 1, replicas: [1] },
          { partition: 0, leader: 1, replicas: [1] },
        ],
        __consumer_offsets: [{ partition: 0, leader: 1, replicas: [1] }],
        alpha: [{ partition: 0, leader: 1, replicas: [1] }],
      }),
    );
    const all = cache.topicMetadata(null, 'CLIENT');
    expect(all.map((t) => [t.name, t.isInternal])).toEqual([
      ['__consumer_offsets', true],
      ['alpha', false],
      ['zeta', false],
    ]);
    expect(all[2].partitions?.map((p) => p.partitionIndex)).toEqual([0, 1]);
  });

  test('unknown topics are left out for the caller to answer', () => {
    const cache = new MetadataCache();
    cache.update(request({ orders: [{ partition: 0, leader: 1, replicas: [1] }] }));
    expect(cache.topicMetadata(['nope', 'orders', 'orders'], 'CLIENT').map((t) => t.name)).toEqual([
      'orders',
    ]);
  });

  test('two caches fed the same requests in different order answer the same', () => {
    const a = new MetadataCache();
    const b = new MetadataCache();
    const r1 = request({ t1: [{ partition: 0, leader: 1, replicas: [1, 2] }] });
    const r2 = request({ t2: [{ partition: 0, leader: 2, replicas: [2, 3] }] });
    a.update(r1);
    a.update(r2);
    b.update(r2);
    b.update(r1);
    expect(a.topicMetadata(null, 'CLIENT')).toEqual(b.topicMetadata(null, 'CLIENT'));
  });
});
