import { promises as fs } from 'node:fs';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  CONTROL_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_COUNT_OFFSET,
  writeBatchCrc,
  writeInt64,
} from '../../../client/record/batch-header';
import type { Log } from '../../../broker/log/log';
import { appendBatches, batch, openLog } from './fixtures/log-fixtures';

/** A batch changed by `edit`, its CRC recomputed so only the edited field is wrong. */
function edited(edit: (buf: Buffer) => void, spec = { records: 3 }): Buffer {
  const buf = batch(spec);
  edit(buf);
  writeBatchCrc(buf, 0, buf.length);
  return buf;
}

async function expectRejected(
  log: Log,
  records: Buffer,
  type: string,
  origin: 'leader' | 'follower' = 'leader',
): Promise<void> {
  const endBefore = log.logEndOffset;
  const sizeBefore = (await fs.stat(log.activeSegment.file)).size;
  const append =
    origin === 'leader' ? log.appendAsLeader(records, 0) : log.appendAsFollower(records);
  await expect(append).rejects.toMatchObject({ type });
  expect(log.logEndOffset).toBe(endBefore);
  expect((await fs.stat(log.activeSegment.file)).size).toBe(sizeBefore);
  expect(log.activeSegment.size).toBe(sizeBefore);
}

describe('Log append of bad input', () => {
  let log: Log;

  beforeEach(async () => {
    log = await openLog({ maxMessageBytes: 2_000 });
    await appendBatches(log, 2);
  });

  afterEach(async () => {
    await log.close();
  });

  it('rejects a CRC mismatch with CORRUPT_MESSAGE', async () => {
    const bad = batch({ records: 2 });
    bad[bad.length - 1] ^= 0xff;
    await expectRejected(log, bad, 'CORRUPT_MESSAGE');
    await expectRejected(log, bad, 'CORRUPT_MESSAGE', 'follower');
  });

  it('rejects a magic byte above 2 with CORRUPT_MESSAGE and magic 0 or 1 with INVALID_RECORD', async () => {
    await expectRejected(
      log,
      edited((b) => b.writeInt8(3, MAGIC_OFFSET)),
      'CORRUPT_MESSAGE',
    );
    await expectRejected(
      log,
      edited((b) => b.writeInt8(-1, MAGIC_OFFSET)),
      'CORRUPT_MESSAGE',
    );
    await expectRejected(
      log,
      edited((b) => b.writeInt8(1, MAGIC_OFFSET)),
      'INVALID_RECORD',
    );
    await expectRejected(
      log,
      edited((b) => b.writeInt8(0, MAGIC_OFFSET)),
      'INVALID_RECORD',
    );
  });

  it('rejects a batch larger than max.message.bytes with MESSAGE_TOO_LARGE', async () => {
    await expectRejected(log, batch({ valueSize: 2_500 }), 'MESSAGE_TOO_LARGE');
  });

  it('rejects a record count of 0 or one inconsistent with lastOffsetDelta with INVALID_RECORD', async () => {
    await expectRejected(
      log,
      edited((b) => b.writeInt32BE(0, RECORD_COUNT_OFFSET)),
      'INVALID_RECORD',
    );
    await expectRejected(
      log,
      edited((b) => b.writeInt32BE(2, RECORD_COUNT_OFFSET)),
      'INVALID_RECORD',
    );
    await expectRejected(
      log,
      edited((b) => b.writeInt32BE(5, LAST_OFFSET_DELTA_OFFSET)),
      'INVALID_RECORD',
    );
    await expectRejected(
      log,
      edited((b) => b.writeInt32BE(-1, LAST_OFFSET_DELTA_OFFSET)),
      'INVALID_RECORD',
    );
  });

  it('rejects a producer baseOffset other than 0, a control batch and a producer id without sequence with INVALID_RECORD', async () => {
    await expectRejected(log, batch({ baseOffset: 7 }), 'INVALID_RECORD');
    await expectRejected(
      log,
      edited((b) =>
        b.writeInt16BE(b.readInt16BE(ATTRIBUTES_OFFSET) | CONTROL_FLAG_MASK, ATTRIBUTES_OFFSET),
      ),
      'INVALID_RECORD',
    );
    await expectRejected(
      log,
      edited((b) => {
        writeInt64(b, 42, PRODUCER_ID_OFFSET);
        b.writeInt32BE(-1, BASE_SEQUENCE_OFFSET);
      }),
      'INVALID_RECORD',
    );
  });

  it('rejects an unknown compression codec with UNSUPPORTED_COMPRESSION_TYPE', async () => {
    await expectRejected(
      log,
      edited((b) => b.writeInt16BE(b.readInt16BE(ATTRIBUTES_OFFSET) | 0x07, ATTRIBUTES_OFFSET)),
      'UNSUPPORTED_COMPRESSION_TYPE',
    );
  });

  it('rejects a truncated buffer or trailing bytes with CORRUPT_MESSAGE', async () => {
    const good = batch({ records: 2 });
    await expectRejected(log, good.subarray(0, good.length - 1), 'CORRUPT_MESSAGE');
    await expectRejected(log, good.subarray(0, 8), 'CORRUPT_MESSAGE');
    await expectRejected(log, Buffer.concat([good, good.subarray(0, 20)]), 'CORRUPT_MESSAGE');
    await expectRejected(
      log,
      Buffer.concat([good, good.subarray(0, 20)]),
      'CORRUPT_MESSAGE',
      'follower',
    );
  });

  it('rejects a batchLength too small to hold a header with CORRUPT_MESSAGE', async () => {
    const tiny = batch();
    tiny.writeInt32BE(10, 8);
    await expectRejected(log, tiny, 'CORRUPT_MESSAGE');
    const short = batch();
    short.writeInt32BE(40, 8);
    await expectRejected(log, short.subarray(0, 52), 'CORRUPT_MESSAGE');
  });

  it('appends nothing when one batch of several is bad, and leaves the buffer offsets unassigned', async () => {
    const bad = batch();
    bad[bad.length - 1] ^= 1;
    const good = batch();
    const payload = Buffer.concat([good, bad]);
    await expectRejected(log, payload, 'CORRUPT_MESSAGE');
    expect(payload.readBigInt64BE(0)).toBe(0n);
  });
});
