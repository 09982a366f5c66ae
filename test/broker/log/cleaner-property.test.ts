/**
 * A property of compaction, over random logs: whatever the keys, values, tombstones, batches,
 * codecs, segment sizes and offset-map sizes (small maps fill and clean in several passes), and
 * with appends and cleanings interleaved, once a log is cleaned to its end every key appears at
 * most once: as its latest record, or not at all when that record is a tombstone; and every
 * record left is the one written at that offset.
 */
import fc from 'fast-check';
import { setLogLevel } from '../../../client/logging';
import { CompressionCodec } from '../../../client/record/batch-header';
import { cleanableOffsets } from '../../../broker/log/log-cleaner-manager';
import {
  type KeyedRecord,
  type StoredRecord,
  appendKeyed,
  cleanOnce,
  latestByKey,
  newCleaner,
  openCompactedLog,
  readAllRecords,
} from './fixtures/compaction-fixtures';

beforeAll(() => setLogLevel('error'));
afterAll(() => setLogLevel('warn'));

const recordArb = fc.record({
  key: fc.integer({ min: 0, max: 39 }),
  tombstone: fc.boolean(),
  endsBatch: fc.boolean(),
  rollsAfter: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

const scenarioArb = fc.record({
  phases: fc.array(fc.array(recordArb, { minLength: 1, maxLength: 40 }), {
    minLength: 1,
    maxLength: 3,
  }),
  segmentBytes: fc.constantFrom(300, 800, 4096, 1 << 20),
  dedupeBufferSize: fc.constantFrom(1024, 2048, 1 << 20),
  deleteRetentionMs: fc.constantFrom(0, 86_400_000),
  codec: fc.constantFrom(CompressionCodec.None, CompressionCodec.Gzip, CompressionCodec.Lz4),
});

/** Every key at most once, as its latest record or (a tombstone's key) not at all. */
function checkCompacted(written: readonly StoredRecord[], stored: readonly StoredRecord[]): void {
  const byOffset = new Map(written.map((r) => [r.offset, r]));
  for (const r of stored) expect(byOffset.get(r.offset)).toEqual(r);
  const keys = stored.map((r) => r.key);
  expect(new Set(keys).size).toBe(keys.length);
  for (const [key, value] of latestByKey(written)) {
    const found = stored.find((r) => r.key === key);
    if (value !== null) expect(found?.value).toBe(value);
    else if (found) expect(found.value).toBeNull();
  }
}

describe('compaction of random logs', () => {
  it('leaves exactly the latest record of each key (or nothing for a tombstone), at its original offset', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const log = await openCompactedLog({
          segmentBytes: scenario.segmentBytes,
          segmentIndexBytes: 4096,
          deleteRetentionMs: scenario.deleteRetentionMs,
        });
        try {
          const cleaner = newCleaner({ dedupeBufferSize: scenario.dedupeBufferSize });
          const written: StoredRecord[] = [];
          let checkpoint: number | undefined;
          let values = 0;
          for (const phase of scenario.phases) {
            const phaseStart = log.logEndOffset;
            let batch: KeyedRecord[] = [];
            for (const op of phase) {
              batch.push({ key: `key-${op.key}`, value: op.tombstone ? null : `v${values++}` });
              // At most 10 records a batch: the smallest map holds 28 keys.
              if (op.endsBatch || op.rollsAfter || batch.length === 10) {
                await appendKeyed(log, [batch], { compression: scenario.codec });
                batch = [];
              }
              if (op.rollsAfter) await log.roll();
            }
            if (batch.length > 0) await appendKeyed(log, [batch], { compression: scenario.codec });
            await log.roll();
            written.push(...(await readAllRecords(log)).filter((r) => r.offset >= phaseStart));
            for (let pass = 0; pass < 50; pass++) {
              const offsets = cleanableOffsets(log, checkpoint, Date.now());
              if (offsets.firstUncleanableDirtyOffset <= offsets.firstDirtyOffset) break;
              checkpoint = (await cleanOnce(log, cleaner, checkpoint)).endOffset;
            }
            expect(checkpoint).toBe(log.logEndOffset);
            checkCompacted(written, await readAllRecords(log));
          }
        } finally {
          await log.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
