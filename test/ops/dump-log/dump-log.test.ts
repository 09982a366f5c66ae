import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { encodeRecordBatchSync } from '../../../client/record/record-batch';
import { Log } from '../../../broker/log/log';
import { logConfig } from '../../../broker/log/log-config';
import { tempDir } from '../../harness';
import {
  SEGMENT,
  T0,
  type BatchFacts,
  type SampleLog,
  batchFacts,
  dump,
  dumpFailing,
  writeSampleLog,
} from './fixtures';

let sample: SampleLog;
let batches: BatchFacts[];

beforeAll(async () => {
  sample = await writeSampleLog();
  batches = await batchFacts(sample.logFile);
});

/** A copy of the sample segment in a fresh folder, to damage. */
async function copyOfSample(): Promise<SampleLog> {
  const dir = path.join(await tempDir('dump-log-copy'), 't-0');
  await fs.cp(sample.dir, dir, { recursive: true });
  return {
    dir,
    logFile: path.join(dir, `${SEGMENT}.log`),
    indexFile: path.join(dir, `${SEGMENT}.index`),
    timeIndexFile: path.join(dir, `${SEGMENT}.timeindex`),
  };
}

describe('samsa dump-log: .log files', () => {
  it('prints one line per batch, and with --print-data-log one line per record with its key and payload, exactly as Kafka 2.8 does', async () => {
    const [a, b, c, d] = batches;
    const { stdout, stderr } = await dump({ files: [sample.logFile], printDataLog: true });
    const recordTail = (batch: BatchFacts, codec: string) =>
      `magic: 2 compressType: ${codec} position: ${batch.position}`;
    expect(stdout).toEqual([
      `Dumping ${sample.logFile}`,
      'Starting offset: 0',
      `baseOffset: 0 lastOffset: 2 count: 3 baseSequence: 10 lastSequence: 12 producerId: 42 producerEpoch: 1 partitionLeaderEpoch: 3 isTransactional: false isControl: false position: 0 CreateTime: ${T0 + 2} size: ${a.size} magic: 2 compresscodec: NONE crc: ${a.crc} isvalid: true`,
      `| offset: 0 isValid: true crc: null keySize: 2 valueSize: 5 CreateTime: ${T0} baseOffset: 0 lastOffset: 2 baseSequence: 10 lastSequence: 12 producerEpoch: 1 partitionLeaderEpoch: 3 batchSize: ${a.size} ${recordTail(a, 'NONE')} sequence: 10 headerKeys: [trace] key: k0 payload: hello`,
      `| offset: 1 isValid: true crc: null keySize: 2 valueSize: 5 CreateTime: ${T0 + 1} baseOffset: 0 lastOffset: 2 baseSequence: 10 lastSequence: 12 producerEpoch: 1 partitionLeaderEpoch: 3 batchSize: ${a.size} ${recordTail(a, 'NONE')} sequence: 11 headerKeys: [] key: k1 payload: world`,
      `| offset: 2 isValid: true crc: null keySize: -1 valueSize: 6 CreateTime: ${T0 + 2} baseOffset: 0 lastOffset: 2 baseSequence: 10 lastSequence: 12 producerEpoch: 1 partitionLeaderEpoch: 3 batchSize: ${a.size} ${recordTail(a, 'NONE')} sequence: 12 headerKeys: [] payload: no key`,
      `baseOffset: 3 lastOffset: 4 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 3 isTransactional: false isControl: false position: ${b.position} CreateTime: ${T0 + 11} size: ${b.size} magic: 2 compresscodec: GZIP crc: ${b.crc} isvalid: true`,
      `| offset: 3 isValid: true crc: null keySize: 2 valueSize: 8 CreateTime: ${T0 + 10} baseOffset: 3 lastOffset: 4 baseSequence: -1 lastSequence: -1 producerEpoch: -1 partitionLeaderEpoch: 3 batchSize: ${b.size} ${recordTail(b, 'GZIP')} sequence: -1 headerKeys: [a,b] key: g0 payload: zipped 0`,
      `| offset: 4 isValid: true crc: null keySize: 2 valueSize: 8 CreateTime: ${T0 + 11} baseOffset: 3 lastOffset: 4 baseSequence: -1 lastSequence: -1 producerEpoch: -1 partitionLeaderEpoch: 3 batchSize: ${b.size} ${recordTail(b, 'GZIP')} sequence: -1 headerKeys: [] key: g1 payload: zipped 1`,
      `baseOffset: 5 lastOffset: 5 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 3 isTransactional: false isControl: false position: ${c.position} CreateTime: ${T0 + 20} size: ${c.size} magic: 2 compresscodec: NONE crc: ${c.crc} isvalid: true`,
      `| offset: 5 isValid: true crc: null keySize: 4 valueSize: -1 CreateTime: ${T0 + 20} baseOffset: 5 lastOffset: 5 baseSequence: -1 lastSequence: -1 producerEpoch: -1 partitionLeaderEpoch: 3 batchSize: ${c.size} ${recordTail(c, 'NONE')} sequence: -1 headerKeys: [h1,h2] key: tomb`,
      `baseOffset: 6 lastOffset: 6 count: 1 baseSequence: -1 lastSequence: -1 producerId: 42 producerEpoch: 1 partitionLeaderEpoch: 3 isTransactional: true isControl: true position: ${d.position} CreateTime: ${T0 + 30} size: ${d.size} magic: 2 compresscodec: NONE crc: ${d.crc} isvalid: true`,
      `| offset: 6 isValid: true crc: null keySize: 4 valueSize: 6 CreateTime: ${T0 + 30} baseOffset: 6 lastOffset: 6 baseSequence: -1 lastSequence: -1 producerEpoch: 1 partitionLeaderEpoch: 3 batchSize: ${d.size} ${recordTail(d, 'NONE')} sequence: -1 headerKeys: [] endTxnMarker: COMMIT coordinatorEpoch: 5`,
    ]);
    expect(stderr).toEqual([]);
  });

  it('prints only the batch lines without --deep-iteration, and record lines without data with it', async () => {
    const shallow = await dump({ files: [sample.logFile] });
    expect(shallow.stdout).toHaveLength(2 + batches.length);
    expect(shallow.stdout.slice(2).every((line) => line.startsWith('baseOffset: '))).toBe(true);
    const deep = await dump({ files: [sample.logFile], deepIteration: true });
    const records = deep.stdout.filter((line) => line.startsWith('| '));
    expect(records).toHaveLength(7);
    expect(records.some((line) => / key: | payload: /.test(line))).toBe(false);
  });

  it('prints only keys and payloads with --skip-record-metadata, as Kafka does (no "| " before a null key)', async () => {
    const { stdout } = await dump({
      files: [sample.logFile],
      printDataLog: true,
      skipRecordMetadata: true,
    });
    expect(stdout.filter((line) => !line.startsWith('baseOffset: ')).slice(2)).toEqual([
      '| key: k0 payload: hello',
      '| key: k1 payload: world',
      ' payload: no key',
      '| key: g0 payload: zipped 0',
      '| key: g1 payload: zipped 1',
      '| key: tomb',
      '',
    ]);
  });

  it('reports a torn tail as invalid bytes at the end of the file, after the complete batches', async () => {
    const copy = await copyOfSample();
    const whole = await fs.readFile(copy.logFile);
    await fs.appendFile(copy.logFile, whole.subarray(0, 40));
    const { stdout } = await dump({ files: [copy.logFile] });
    expect(stdout.filter((line) => line.startsWith('baseOffset: '))).toHaveLength(batches.length);
    expect(stdout[stdout.length - 1]).toBe(`Found 40 invalid bytes at the end of ${SEGMENT}.log`);
  });

  it('marks a batch whose bytes no longer match its CRC as isvalid: false', async () => {
    const copy = await copyOfSample();
    const bytes = await fs.readFile(copy.logFile);
    bytes[batches[1].position - 3] ^= 0xff;
    await fs.writeFile(copy.logFile, bytes);
    const { stdout } = await dump({ files: [copy.logFile] });
    const lines = stdout.filter((line) => line.startsWith('baseOffset: '));
    expect(lines.map((line) => line.endsWith('isvalid: true'))).toEqual([false, true, true, true]);
  });

  it('reports offsets that do not follow each other as non-consecutive, on stderr', async () => {
    const dir = path.join(await tempDir('dump-log-gaps'), 't-0');
    const log = await Log.open({
      dir,
      topicPartition: { topic: 't', partition: 0 },
      config: logConfig(),
      hadCleanShutdown: true,
    });
    const value = Buffer.from('v');
    for (const [baseOffset, count] of [
      [0, 3],
      [5, 2],
      [9, 1],
    ]) {
      const records = Array.from({ length: count }, () => ({ value, timestamp: T0 }));
      await log.appendAsFollower(encodeRecordBatchSync(records, { baseOffset }));
    }
    await log.close();
    const file = path.join(dir, `${SEGMENT}.log`);
    const { stderr } = await dump({ files: [file], deepIteration: true });
    expect(stderr).toEqual([
      `Non-consecutive offsets in ${file}`,
      '  6 is followed by 9',
      '  2 is followed by 5',
    ]);
  });

  it("stops with Kafka's message at a batch length below the smallest record, after printing what came before", async () => {
    const copy = await copyOfSample();
    await fs.appendFile(copy.logFile, Buffer.alloc(64));
    const { stdout, error } = await dumpFailing({ files: [copy.logFile] });
    expect(stdout).toHaveLength(2 + batches.length);
    expect(error.message).toBe(
      `Found record size 0 smaller than minimum record overhead (14) in file ${copy.logFile}.`,
    );
  });
});

describe('samsa dump-log: index files', () => {
  it('dumps the offset index as offset/position lines and the time index as timestamp/offset lines', async () => {
    const [, b, c, d] = batches;
    const { stdout, stderr } = await dump({ files: [sample.indexFile, sample.timeIndexFile] });
    expect(stdout).toEqual([
      `Dumping ${sample.indexFile}`,
      `offset: 4 position: ${b.position}`,
      `offset: 5 position: ${c.position}`,
      `offset: 6 position: ${d.position}`,
      `Dumping ${sample.timeIndexFile}`,
      `timestamp: ${T0 + 11} offset: 4`,
      `timestamp: ${T0 + 20} offset: 5`,
      `timestamp: ${T0 + 30} offset: 6`,
    ]);
    expect(stderr).toEqual([]);
  });

  it('reports offset-index entries that point at the wrong batch, or at none, as mismatches (newest first)', async () => {
    const copy = await copyOfSample();
    const index = await fs.readFile(copy.indexFile);
    index.writeInt32BE(batches[2].position, 4); // entry for offset 4 -> the batch of offset 5
    index.writeInt32BE(1_000_000, 12); // entry for offset 5 -> past the end of the log
    await fs.writeFile(copy.indexFile, index);
    const { stdout, stderr } = await dump({ files: [copy.indexFile] });
    expect(stdout).toEqual([
      `Dumping ${copy.indexFile}`,
      `offset: 4 position: ${batches[2].position}`,
      'offset: 5 position: 1000000',
      `offset: 6 position: ${batches[3].position}`,
    ]);
    expect(stderr).toEqual([
      `Mismatches in :${copy.indexFile}`,
      '  Index offset: 5, log offset: -1',
      '  Index offset: 4, log offset: 5',
    ]);
  });

  it('checks without printing entries with --verify-index-only', async () => {
    const copy = await copyOfSample();
    const index = await fs.readFile(copy.indexFile);
    index.writeInt32BE(0, 12); // entry for offset 5 -> position 0, the batch of offsets 0-2
    await fs.writeFile(copy.indexFile, index);
    const { stdout, stderr } = await dump({ files: [copy.indexFile], verifyIndexOnly: true });
    expect(stdout).toEqual([`Dumping ${copy.indexFile}`]);
    expect(stderr).toEqual([
      `Mismatches in :${copy.indexFile}`,
      '  Index offset: 5, log offset: 2',
    ]);
  });

  it('stops at the zeros of a preallocated index that was never trimmed', async () => {
    const copy = await copyOfSample();
    await fs.appendFile(copy.indexFile, Buffer.alloc(8 * 100));
    const { stdout, stderr } = await dump({ files: [copy.indexFile] });
    expect(stdout).toHaveLength(4);
    expect(stderr).toEqual([]);
  });

  it('reports time-index entries whose timestamp or offset disagree with the log', async () => {
    const copy = await copyOfSample();
    const timeIndex = await fs.readFile(copy.timeIndexFile);
    timeIndex.writeUInt32BE(0, 12); // entry 1: timestamp -> low bits only, earlier than entry 0
    timeIndex.writeInt32BE(3, 32); // entry 2: offset 6 -> 3, inside the batch of offsets 3-4
    await fs.writeFile(copy.timeIndexFile, timeIndex);
    const lowTimestamp = (T0 + 20) % 0x1_0000_0000;
    const { stdout, stderr } = await dump({ files: [copy.timeIndexFile] });
    expect(stdout).toEqual([
      `Dumping ${copy.timeIndexFile}`,
      `timestamp: ${T0 + 11} offset: 4`,
      `timestamp: ${lowTimestamp} offset: 5`,
      `timestamp: ${T0 + 30} offset: 3`,
    ]);
    expect(stderr).toEqual([
      `Found timestamp mismatch in :${copy.timeIndexFile}`,
      `  Index timestamp: ${lowTimestamp}, log timestamp: ${T0 + 20}`,
      `Found out of order timestamp in :${copy.timeIndexFile}`,
      `  Index timestamp: ${lowTimestamp}, Previously indexed timestamp: ${T0 + 11}`,
      'The following indexed offsets are not found in the log.',
      'Indexed offset: 3, found log offset: 4',
    ]);
  });

  it("passes sound indexes with --index-sanity-check and fails a torn one with Kafka's message", async () => {
    const ok = await dump({
      files: [sample.indexFile, sample.timeIndexFile],
      indexSanityCheck: true,
    });
    expect(ok.stdout).toEqual([
      `Dumping ${sample.indexFile}`,
      `${sample.indexFile} passed sanity check.`,
      `Dumping ${sample.timeIndexFile}`,
      `${sample.timeIndexFile} passed sanity check.`,
    ]);
    const copy = await copyOfSample();
    await fs.appendFile(copy.indexFile, Buffer.from([1, 2, 3]));
    const torn = await dumpFailing({ files: [copy.indexFile], indexSanityCheck: true });
    expect(torn.error.message).toBe(
      `Index file ${copy.indexFile} is corrupt, found 27 bytes which is neither positive nor a multiple of 8.`,
    );
  });

  it('says an index without entries is empty', async () => {
    const copy = await copyOfSample();
    await fs.writeFile(copy.indexFile, Buffer.alloc(0));
    const { stdout } = await dump({ files: [copy.indexFile] });
    expect(stdout).toEqual([`Dumping ${copy.indexFile}`, `${copy.indexFile} is empty.`]);
  });
});

describe('samsa dump-log: other files', () => {
  it("ignores a file with an unknown suffix with Kafka's message and goes on with the next", async () => {
    const other = path.join(sample.dir, 'leader-epoch-checkpoint');
    const { stdout, stderr } = await dump({ files: [other, sample.indexFile] });
    expect(stdout[0]).toBe(`Dumping ${other}`);
    expect(stdout[1]).toBe(`Dumping ${sample.indexFile}`);
    expect(stderr).toEqual([`Ignoring unknown file ${other}`]);
  });

  it('fails with a one-line error naming a missing file', async () => {
    const missing = path.join(sample.dir, `${'1'.padStart(20, '0')}.log`);
    const { stdout, error } = await dumpFailing({ files: [missing] });
    expect(stdout).toEqual([`Dumping ${missing}`, 'Starting offset: 1']);
    expect(error.message).toBe(`${missing} (No such file or directory)`);
  });
});
