import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  OffsetCheckpointFile,
  type TopicPartitionOffset,
} from '../../../broker/log/checkpoint-file';
import { tempDir } from '../../harness';

function offsets(entries: [string, number, number][]): Map<string, TopicPartitionOffset> {
  return new Map(
    entries.map(([topic, partition, offset]) => [
      `${topic}-${partition}`,
      { topicPartition: { topic, partition }, offset },
    ]),
  );
}

describe('OffsetCheckpointFile', () => {
  it('writes Kafka checkpoint text (version, count, `topic partition offset` lines) and reads it back', async () => {
    const file = path.join(await tempDir('checkpoint'), 'recovery-point-offset-checkpoint');
    const checkpoint = new OffsetCheckpointFile(file);
    const written = offsets([
      ['orders', 1, 1480],
      ['orders', 0, 1500],
      ['__consumer_offsets', 12, 0],
    ]);
    await checkpoint.write(written);
    expect(await fs.readFile(file, 'utf8')).toBe(
      '0\n3\n__consumer_offsets 12 0\norders 0 1500\norders 1 1480\n',
    );
    expect(await checkpoint.read()).toEqual(written);
    expect(await fs.readdir(path.dirname(file))).toEqual(['recovery-point-offset-checkpoint']);
  });

  it('reads a file written by Kafka, and an empty map for a missing or empty file', async () => {
    const dir = await tempDir('checkpoint');
    const file = path.join(dir, 'replication-offset-checkpoint');
    await fs.writeFile(file, '0\n2\nmy-topic 0 17\nmy.topic_2 3 4\n');
    expect(await new OffsetCheckpointFile(file).read()).toEqual(
      offsets([
        ['my-topic', 0, 17],
        ['my.topic_2', 3, 4],
      ]),
    );
    expect((await new OffsetCheckpointFile(path.join(dir, 'missing')).read()).size).toBe(0);
    await fs.writeFile(path.join(dir, 'empty'), '');
    expect((await new OffsetCheckpointFile(path.join(dir, 'empty')).read()).size).toBe(0);
    await new OffsetCheckpointFile(path.join(dir, 'none')).write(new Map());
    expect(await fs.readFile(path.join(dir, 'none'), 'utf8')).toBe('0\n0\n');
  });

  it.each([
    ['an unknown version', '1\n0\n', /Unrecognized version/],
    ['a malformed line', '0\n1\norders zero 5\n', /Malformed line/],
    ['a count that does not match', '0\n2\norders 0 5\n', /Expected 2 entries/],
    ['a bad count', '0\nx\n', /Malformed line/],
  ])('refuses a file with %s', async (_, content, error) => {
    const file = path.join(await tempDir('checkpoint'), 'cp');
    await fs.writeFile(file, content);
    await expect(new OffsetCheckpointFile(file).read()).rejects.toThrow(error);
  });

  it('applies concurrent writes in call order', async () => {
    const file = path.join(await tempDir('checkpoint'), 'cp');
    const checkpoint = new OffsetCheckpointFile(file);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => checkpoint.write(offsets([['t', 0, i]]))),
    );
    expect(await fs.readFile(file, 'utf8')).toBe('0\n1\nt 0 19\n');
  });
});
