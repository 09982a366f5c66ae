import winston from 'winston';
import { CompressionCodec } from '../../../../client/record/batch-header';
import { encodeRecordBatch, encodeRecordBatchSync } from '../../../../client/record/record-batch';
import {
  groupMetadataKey,
  groupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
} from '../../../../broker/coordinator/group/group-records';
import { topicPartitionKey } from '../../../../broker/coordinator/group/offset-and-metadata';
import { loadGroupsAndOffsets } from '../../../../broker/coordinator/group/offsets-loader';
import { InMemoryOffsetsTopic } from './in-memory-offsets-topic';

// The skipped records are logged as errors; this suite checks what is loaded, quietly.
const log = winston.createLogger({ silent: true });

const offset = (group: string, partition: number, value: number | null) => ({
  key: offsetCommitKey(group, 't', partition),
  value:
    value === null
      ? null
      : offsetCommitValue({ offset: value, leaderEpoch: -1, metadata: '', commitTimestamp: 1 }),
});

const group = (id: string, generation: number | null) => ({
  key: groupMetadataKey(id),
  value:
    generation === null
      ? null
      : groupMetadataValue({
          protocolType: 'consumer',
          generation,
          protocol: null,
          leader: null,
          currentStateTimestamp: -1,
          members: [],
        }),
});

async function load(storage: InMemoryOffsetsTopic, bufferSize = 100) {
  const partition = storage.leaderLog(0);
  if (partition === undefined) throw new Error('not leading');
  return loadGroupsAndOffsets(partition, bufferSize, () => false, log);
}

describe('loading a __consumer_offsets partition', () => {
  test('the last record of each key wins; tombstones remove offsets and groups', async () => {
    const storage = new InMemoryOffsetsTopic();
    storage.lead(0);
    storage.write(0, encodeRecordBatchSync([offset('a', 0, 1), offset('a', 1, 2), group('a', 1)]));
    storage.write(0, encodeRecordBatchSync([offset('a', 0, 5), group('b', 3)]));
    storage.write(
      0,
      encodeRecordBatchSync([offset('a', 1, null), group('b', null), offset('c', 0, 9)]),
    );
    const loaded = await load(storage);
    expect([...(loaded?.groups.keys() ?? [])]).toEqual(['a']);
    expect(loaded?.groups.get('a')?.generation).toBe(1);
    expect([...(loaded?.removedGroups ?? [])]).toEqual(['b']);
    expect(loaded?.offsets.get('a')).toEqual(
      new Map([
        [
          topicPartitionKey('t', 0),
          {
            appendedBatchOffset: 3,
            offsetAndMetadata: { offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: 1 },
          },
        ],
      ]),
    );
    expect(loaded?.offsets.get('c')?.get(topicPartitionKey('t', 0))?.appendedBatchOffset).toBe(5);
  });

  test('reads compressed batches, in reads of offsets.load.buffer.size', async () => {
    const storage = new InMemoryOffsetsTopic();
    storage.lead(0);
    for (let i = 0; i < 20; i++) {
      storage.write(
        0,
        await encodeRecordBatch([offset('g', i, i * 10)], { compression: CompressionCodec.Gzip }),
      );
    }
    const loaded = await load(storage, 1);
    expect(loaded?.offsets.get('g')?.size).toBe(20);
    expect(
      loaded?.offsets.get('g')?.get(topicPartitionKey('t', 19))?.offsetAndMetadata.offset,
    ).toBe(190);
  });

  test('skips a record that does not decode and loads the rest', async () => {
    const storage = new InMemoryOffsetsTopic();
    storage.lead(0);
    storage.write(
      0,
      encodeRecordBatchSync([
        { key: Buffer.from([0, 9]), value: Buffer.from('junk') },
        { key: null, value: Buffer.from('no key') },
        offset('g', 0, 4),
      ]),
    );
    const loaded = await load(storage);
    expect(loaded?.offsets.get('g')?.get(topicPartitionKey('t', 0))?.offsetAndMetadata.offset).toBe(
      4,
    );
  });

  test('stops when cancelled between reads', async () => {
    const storage = new InMemoryOffsetsTopic();
    storage.lead(0);
    storage.write(0, encodeRecordBatchSync([offset('g', 0, 4)]));
    const partition = storage.leaderLog(0);
    if (partition === undefined) throw new Error('not leading');
    expect(await loadGroupsAndOffsets(partition, 100, () => true, log)).toBeUndefined();
  });
});
