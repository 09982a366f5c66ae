import { setBaseOffset } from '../../../client/record/batch-header';
import { encodeRecordBatchSync } from '../../../client/record/record-batch';
import { splitAppendInfo } from '../../../broker/replica/grouped-append';
import type { LogAppendInfo } from '../../../broker/log/log';

/** A batch of `count` records with timestamps `from`, `from + 1`, ... at `baseOffset`. */
function stamped(baseOffset: number, count: number, from: number): Buffer {
  const batch = encodeRecordBatchSync(
    Array.from({ length: count }, (_, i) => ({ value: Buffer.from('v'), timestamp: from + i })),
  );
  setBaseOffset(batch, 0, baseOffset);
  return batch;
}

const group = (over: Partial<LogAppendInfo>): LogAppendInfo => ({
  firstOffset: 100,
  lastOffset: 105,
  maxTimestamp: -1,
  offsetOfMaxTimestamp: -1,
  logAppendTime: -1,
  logStartOffset: 7,
  batchCount: 3,
  recordCount: 6,
  validBytes: 0,
  ...over,
});

describe('splitAppendInfo', () => {
  it('gives each part of a grouped append the info it would have had alone', () => {
    const a = stamped(100, 2, 5000);
    const b1 = stamped(102, 1, 9000);
    const b2 = stamped(103, 3, 6000);
    const appended = Buffer.concat([a, b1, b2]);
    const [first, second] = splitAppendInfo(group({}), appended, [a.length, b1.length + b2.length]);
    expect(first).toEqual({
      firstOffset: 100,
      lastOffset: 101,
      maxTimestamp: 5001,
      offsetOfMaxTimestamp: 101,
      logAppendTime: -1,
      logStartOffset: 7,
      batchCount: 1,
      recordCount: 2,
      validBytes: a.length,
    });
    expect(second).toMatchObject({
      firstOffset: 102,
      lastOffset: 105,
      maxTimestamp: 9000,
      offsetOfMaxTimestamp: 102,
      batchCount: 2,
      recordCount: 4,
      validBytes: b1.length + b2.length,
    });
  });

  it('answers a part without batches as an empty append at its place', () => {
    const a = stamped(100, 2, 5000);
    const infos = splitAppendInfo(group({ lastOffset: 101, batchCount: 1 }), a, [0, a.length, 0]);
    expect(infos.map((i) => [i.firstOffset, i.lastOffset, i.batchCount])).toEqual([
      [100, 99, 0],
      [100, 101, 1],
      [102, 101, 0],
    ]);
    const empty = splitAppendInfo(
      group({ firstOffset: 50, lastOffset: 49, batchCount: 0 }),
      Buffer.alloc(0),
      [0],
    );
    expect(empty[0]).toMatchObject({ firstOffset: 50, lastOffset: 49, maxTimestamp: -1 });
  });
});
