import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  checkAndWriteMetaProperties,
  formatMetaProperties,
  javaDateString,
  parseProperties,
  readMetaProperties,
  writeMetaProperties,
} from '../../../broker/log/meta-properties';
import { tempDir } from '../../harness';

describe('meta.properties', () => {
  it('is formatted as Kafka 2.8 writes it: empty comment, date comment, cluster.id, version, broker.id', () => {
    const date = new Date(Date.UTC(2024, 10, 23, 12, 10, 5));
    expect(javaDateString(date)).toBe('Sat Nov 23 12:10:05 UTC 2024');
    expect(formatMetaProperties({ brokerId: 1, clusterId: '6pU0hE2LQTqYy8b3kmtlZg' }, date)).toBe(
      '#\n#Sat Nov 23 12:10:05 UTC 2024\ncluster.id=6pU0hE2LQTqYy8b3kmtlZg\nversion=0\nbroker.id=1\n',
    );
    expect(formatMetaProperties({ brokerId: 3 }, date)).toBe(
      '#\n#Sat Nov 23 12:10:05 UTC 2024\nversion=0\nbroker.id=3\n',
    );
  });

  it('round-trips through the file, and reads a file written by Kafka', async () => {
    const dir = await tempDir('meta');
    await writeMetaProperties(dir, { brokerId: 7, clusterId: 'abc-DEF_123' });
    expect(await readMetaProperties(dir)).toEqual({ brokerId: 7, clusterId: 'abc-DEF_123' });
    await fs.writeFile(
      path.join(dir, 'meta.properties'),
      '#\n#Tue Jan 05 12:34:56 UTC 2021\ncluster.id=Xy9Q\\=1\nversion=0\nbroker.id=1001\n',
    );
    expect(await readMetaProperties(dir)).toEqual({ brokerId: 1001, clusterId: 'Xy9Q=1' });
    expect(await readMetaProperties(await tempDir('meta'))).toBeUndefined();
  });

  it('parses Java properties separators, escapes and continuation lines', () => {
    const props = parseProperties('! comment\na = 1\nb:2\nc 3\nlong = x\\\n   y\nd=\\u0041\\t\n');
    expect([...props]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['long', 'xy'],
      ['d', 'A\t'],
    ]);
  });

  it('refuses an unknown version', async () => {
    const dir = await tempDir('meta');
    await fs.writeFile(path.join(dir, 'meta.properties'), 'version=1\nbroker.id=1\n');
    await expect(readMetaProperties(dir)).rejects.toThrow(/Unrecognized version/);
  });

  it('checks broker and cluster ids across log dirs and writes the file where it is missing', async () => {
    const [a, b] = [await tempDir('meta'), await tempDir('meta')];
    await writeMetaProperties(a, { brokerId: 1 });
    await checkAndWriteMetaProperties([a, b], 1, 'cluster-A');
    expect(await readMetaProperties(a)).toEqual({ brokerId: 1, clusterId: 'cluster-A' });
    expect(await readMetaProperties(b)).toEqual({ brokerId: 1, clusterId: 'cluster-A' });
    await expect(checkAndWriteMetaProperties([a, b], 2, 'cluster-A')).rejects.toThrow(
      /Configured broker.id 2 doesn't match stored broker.id 1/,
    );
    await expect(checkAndWriteMetaProperties([a, b], 1, 'cluster-B')).rejects.toThrow(
      /The Cluster ID cluster-B doesn't match stored clusterId cluster-A/,
    );
    await writeMetaProperties(b, { brokerId: 5, clusterId: 'cluster-A' });
    await expect(checkAndWriteMetaProperties([a, b], 1, 'cluster-A')).rejects.toThrow(
      /Failed to match broker.id across log.dirs/,
    );
  });
});
