/**
 * Compaction on a real broker: a topic created with cleanup.policy=compact, small segments and
 * min.cleanable.dirty.ratio=0.01 gets many rounds of values for the same keys; the broker's
 * log cleaner compacts it in the background, until a consumer reading from the beginning sees
 * one record per key, the latest, at the offset it was written at.
 */
import { Connection } from '../../../client/network/connection';
import { ApiKey } from '../../../client/protocol/apis';
import { decodeRecordBatch } from '../../../client/record/record-batch';
import { Samsa } from '../../../client';
import { useHarness, waitFor } from '../../harness';
import { TestCluster } from '../../cluster/cluster-harness';
import { batchesIn } from './fixtures/log-fixtures';

useHarness();

const TOPIC = 'compacted';
const KEYS = 20;
const ROUNDS = 25;

interface Fetched {
  offset: number;
  key: string | null;
  value: string | null;
}

/** Every record of partition 0 below the high watermark, fetched from its start. */
async function fetchAll(connection: Connection): Promise<Fetched[]> {
  const out: Fetched[] = [];
  let offset = 0;
  for (;;) {
    const response = await connection.request(ApiKey.Fetch, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      topics: [
        {
          topic: TOPIC,
          partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }],
        },
      ],
    });
    const partition = response.responses[0].partitions[0];
    if (partition.errorCode !== 0) throw new Error(`fetch error ${partition.errorCode}`);
    const records = Buffer.from(partition.records);
    const batches = batchesIn(records);
    if (batches.length === 0) return out;
    for (const info of batches) {
      const batch = await decodeRecordBatch(
        records.subarray(info.position, info.position + info.size),
      );
      for (const r of batch.records) {
        out.push({
          offset: r.offset,
          key: r.key?.toString() ?? null,
          value: r.value?.toString() ?? null,
        });
      }
      offset = info.lastOffset + 1;
    }
    if (offset >= Number(partition.highWatermark)) return out;
  }
}

describe('log compaction on a broker', () => {
  it('compacts a cleanup.policy=compact topic in the background to one record per key, the latest', async () => {
    const cluster = await TestCluster.start({
      label: 'log-compaction',
      brokers: 1,
      config: { 'log.cleaner.backoff.ms': '100' },
    });
    const samsa = new Samsa({ clientId: 'compaction-test', brokers: cluster.bootstrapServers() });
    const admin = samsa.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          {
            topic: TOPIC,
            numPartitions: 1,
            replicationFactor: 1,
            configEntries: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'segment.bytes', value: '2048' },
              { name: 'min.cleanable.dirty.ratio', value: '0.01' },
            ],
          },
        ],
        timeout: 20000,
      });
    } finally {
      await admin.disconnect();
    }

    const producer = samsa.producer({ acks: 1, lingerMs: 0 });
    await producer.connect();
    const written = new Map<string, { offset: number; value: string }>();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const messages = Array.from({ length: KEYS }, (_, k) => ({
          key: `key-${k}`,
          value: `value-${k}-round-${round}`,
          partition: 0,
        }));
        const [result] = await producer.send({ topic: TOPIC, messages });
        messages.forEach((m, i) =>
          written.set(m.key, { offset: Number(result.baseOffset) + i, value: m.value }),
        );
      }
      // Records with keys of their own, enough to fill the active segment beyond the rounds, so
      // that every round is in a segment the cleaner may clean.
      for (let i = 0; i < 10; i++) {
        const [result] = await producer.send({
          topic: TOPIC,
          messages: [{ key: `filler-${i}`, value: 'f'.repeat(400), partition: 0 }],
        });
        written.set(`filler-${i}`, { offset: Number(result.baseOffset), value: 'f'.repeat(400) });
      }
    } finally {
      await producer.disconnect();
    }

    const [address, port] = cluster.brokers[0].address.split(':');
    const connection = new Connection({ host: address, port: Number(port), clientId: 'fetch' });
    try {
      const records = await waitFor(
        async () => {
          const all = await fetchAll(connection);
          const keys = new Set(all.map((r) => r.key));
          return keys.size === all.length ? all : null;
        },
        { timeoutMs: 60000, intervalMs: 250, what: 'the log cleaner to leave one record per key' },
      );
      expect(records.length).toBe(written.size);
      for (const record of records) {
        expect(written.get(record.key ?? '')).toEqual({
          offset: record.offset,
          value: record.value,
        });
      }
      expect(cluster.brokers[0].output).toMatch(/Log cleaner thread \d+ cleaned log compacted-0/);
    } finally {
      connection.close();
    }
  });
});
