import fc from 'fast-check';
import * as zlib from 'node:zlib';
import * as snappy from 'snappy';
import * as lz4 from 'lz4-napi';
import * as zstd from '@mongodb-js/zstd';
import { KafkaError } from '../../../client/errors';
import {
  CompressionCodec,
  RECORD_BATCH_OVERHEAD,
  writeBatchCrc,
} from '../../../client/record/batch-header';
import {
  XERIAL_BLOCK_SIZE,
  codecFromId,
  compress,
  decompress,
  lz4DecompressedSize,
  zstdFrameBound,
} from '../../../client/record/compression';
import { decodeRecordBatch } from '../../../client/record/record-batch';

const MiB = 1024 * 1024;
const COMPRESSED_CODECS = [
  CompressionCodec.Gzip,
  CompressionCodec.Snappy,
  CompressionCodec.Lz4,
  CompressionCodec.Zstd,
];
const ALL_CODECS = [CompressionCodec.None, ...COMPRESSED_CODECS];

async function rejection(promise: Promise<unknown>): Promise<KafkaError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KafkaError);
    return error as KafkaError;
  }
  throw new Error('expected a rejection');
}

/** Bytes held by Buffers and native allocations, to show a bomb was never inflated. */
function offHeapBytes(): number {
  const usage = process.memoryUsage();
  return usage.arrayBuffers + usage.external;
}

/**
 * 100 MiB of zeros per codec, built without ever holding 100 MiB: one 1 MiB (or 32 KiB) unit is
 * compressed and its compressed form repeated, which each format allows (gzip members, xerial
 * blocks, lz4 and zstd frames).
 */
async function bombOf(codec: CompressionCodec): Promise<Buffer> {
  const unit = Buffer.alloc(MiB);
  switch (codec) {
    case CompressionCodec.Gzip:
      return Buffer.concat(new Array(100).fill(zlib.gzipSync(unit)));
    case CompressionCodec.Snappy: {
      const xerial = await compress(CompressionCodec.Snappy, Buffer.alloc(XERIAL_BLOCK_SIZE));
      const header = xerial.subarray(0, 16);
      const block = xerial.subarray(16);
      return Buffer.concat([header, ...new Array(3200).fill(block)]);
    }
    case CompressionCodec.Lz4:
      return Buffer.concat(new Array(100).fill(lz4.compressFrameSync(unit)));
    case CompressionCodec.Zstd:
      return Buffer.concat(new Array(100).fill(await zstd.compress(unit)));
    default:
      throw new Error(`no bomb for codec ${codec}`);
  }
}

/** A batch whose records section is `section`, stored with `codec`, CRC valid. */
function batchAround(codec: number, section: Buffer, recordCount = 1): Buffer {
  const batch = Buffer.alloc(RECORD_BATCH_OVERHEAD + section.length);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(-1, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(codec, 21);
  batch.writeInt32BE(recordCount - 1, 23);
  batch.writeInt32BE(recordCount, 57);
  section.copy(batch, RECORD_BATCH_OVERHEAD);
  writeBatchCrc(batch, 0, batch.length);
  return batch;
}

describe('codec round trips', () => {
  test.each(ALL_CODECS)('codec %d: decompress(compress(x)) == x for random data', async (codec) => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 4096 }),
          fc
            .uint8Array({ minLength: 1, maxLength: 8 })
            .map((u) => Buffer.from(u).toString('hex').repeat(5000)),
        ),
        async (input) => {
          const data = Buffer.from(input);
          const packed = await compress(codec, data);
          expect((await decompress(codec, packed, Math.max(1, data.length))).equals(data)).toBe(
            true,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  test('large inputs (several blocks/frames) round-trip for every codec', async () => {
    const data = Buffer.alloc(3 * MiB + 12345);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 27;
    for (const codec of ALL_CODECS) {
      expect((await decompress(codec, await compress(codec, data), data.length)).equals(data)).toBe(
        true,
      );
    }
  });
});

describe('snappy: xerial framing as Kafka writes it, raw blocks also read', () => {
  test('compress writes the xerial header and one block per 32 KiB of input', async () => {
    const data = Buffer.alloc(100 * 1024, 0x61);
    const framed = await compress(CompressionCodec.Snappy, data);
    expect(framed.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    let pos = 16;
    const blocks: Buffer[] = [];
    while (pos < framed.length) {
      const length = framed.readInt32BE(pos);
      blocks.push(framed.subarray(pos + 4, pos + 4 + length));
      pos += 4 + length;
    }
    expect(pos).toBe(framed.length);
    expect(
      blocks.map((b) => (snappy.uncompressSync(b, { asBuffer: true }) as Buffer).length),
    ).toEqual([32768, 32768, 32768, 4096]);
  });

  test('a raw (unframed) snappy block, as some clients send, is decoded', async () => {
    const data = Buffer.from('hello snappy '.repeat(100));
    expect(await decompress(CompressionCodec.Snappy, snappy.compressSync(data))).toEqual(data);
  });

  test('a raw block declaring 4 GiB is refused from its length prefix alone', async () => {
    const lying = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    const error = await rejection(decompress(CompressionCodec.Snappy, lying, MiB));
    expect(error.message).toMatch(/decompressed size exceeds 1048576 bytes/);
  });

  test('a xerial block length beyond the data is CORRUPT_MESSAGE', async () => {
    const framed = await compress(CompressionCodec.Snappy, Buffer.from('abc'));
    framed.writeInt32BE(1000, 16);
    const error = await rejection(decompress(CompressionCodec.Snappy, framed));
    expect(error.type).toBe('CORRUPT_MESSAGE');
    expect(error.message).toMatch(/xerial block length 1000 beyond the data/);
  });
});

describe('compression bombs are refused without being inflated', () => {
  test.each(COMPRESSED_CODECS)(
    'codec %d: 100 MiB of zeros against a 1 MiB cap → CORRUPT_MESSAGE, no 100 MiB allocated',
    async (codec) => {
      const bomb = await bombOf(codec);
      expect(bomb.length).toBeLessThan(5 * MiB); // snappy cannot do better than about 1:21
      const before = offHeapBytes();
      const error = await rejection(decompress(codec, bomb, MiB));
      expect(offHeapBytes() - before).toBeLessThan(20 * MiB);
      expect(error.type).toBe('CORRUPT_MESSAGE');
      expect(error.message).toMatch(/decompressed size exceeds 1048576 bytes/);
    },
  );

  test.each(COMPRESSED_CODECS)(
    'codec %d: a batch carrying the bomb is refused by decodeRecordBatch',
    async (codec) => {
      const batch = batchAround(codec, await bombOf(codec));
      const error = await rejection(decodeRecordBatch(batch, { maxDecompressedBytes: MiB }));
      expect(error.type).toBe('CORRUPT_MESSAGE');
      expect(error.message).toMatch(/decompressed size exceeds 1048576 bytes/);
    },
  );

  test.each(COMPRESSED_CODECS)('codec %d: output of exactly the cap is accepted', async (codec) => {
    const data = Buffer.alloc(256 * 1024, 7);
    const packed = await compress(codec, data);
    expect((await decompress(codec, packed, data.length)).length).toBe(data.length);
  });

  test.each(COMPRESSED_CODECS)('codec %d: one byte over the cap is refused', async (codec) => {
    const packed = await compress(codec, Buffer.alloc(256 * 1024, 7));
    const error = await rejection(decompress(codec, packed, 256 * 1024 - 1));
    expect(error.message).toMatch(/decompressed size exceeds 262143 bytes/);
  });

  test('gzip: one byte over the cap is refused for a tiny stream too', async () => {
    const packed = await compress(CompressionCodec.Gzip, Buffer.alloc(1000));
    const error = await rejection(decompress(CompressionCodec.Gzip, packed, 999));
    expect(error.message).toMatch(/exceeds 999 bytes/);
  });

  test('lz4: a frame declaring a 1 TiB content size is refused from its header', async () => {
    // magic, FLG 0x68 (version 01, independent blocks, content size), BD 0x40 (64 KiB blocks),
    // content size 2^40 little-endian, header checksum byte, end mark.
    const frame = Buffer.from('04224d186840' + '0000000000010000' + '00' + '00000000', 'hex');
    expect(() => lz4DecompressedSize(frame, MiB)).toThrow(/decompressed size exceeds/);
    const error = await rejection(decompress(CompressionCodec.Lz4, frame, MiB));
    expect(error.message).toMatch(/decompressed size exceeds/);
  });

  test('lz4: the size is worked out exactly from stored and compressed blocks', () => {
    const stored = Buffer.from('04224d18604000' + '03000080' + '616263' + '00000000', 'hex');
    expect(lz4DecompressedSize(stored)).toBe(3);
    for (const length of [0, 1, 10, 70_000, 300_000]) {
      const data = Buffer.alloc(length);
      for (let i = 0; i < length; i++) data[i] = i % 251 < 100 ? 0 : (i * 7919) & 0xff;
      expect(lz4DecompressedSize(lz4.compressFrameSync(data))).toBe(length);
    }
  });

  test('lz4: a content size that disagrees with the blocks is CORRUPT_MESSAGE', () => {
    // content size 5, one stored block of 3 bytes
    const frame = Buffer.from(
      '04224d186840' + '0500000000000000' + '00' + '03000080616263' + '00000000',
      'hex',
    );
    expect(() => lz4DecompressedSize(frame)).toThrow(/content size 5 but the blocks hold 3 bytes/);
  });

  test('zstd: a frame declaring a huge Frame_Content_Size is refused from its header', async () => {
    // magic, descriptor 0xe0 (8-byte FCS, single segment), FCS 2^40, one empty last raw block.
    const frame = Buffer.from('28b52ffd' + 'e0' + '0000000000010000' + '010000', 'hex');
    expect(zstdFrameBound(frame)).toBe(2 ** 40);
    const error = await rejection(decompress(CompressionCodec.Zstd, frame, MiB));
    expect(error.message).toMatch(/decompressed size exceeds/);
  });

  test('zstd: frames without a declared size (as streaming encoders write) are bounded by their blocks', async () => {
    const frame = await zstd.compress(Buffer.alloc(300_000, 1));
    expect(frame[4] >> 6).toBe(0); // no Frame_Content_Size
    const bound = zstdFrameBound(frame);
    expect(bound).toBeGreaterThanOrEqual(300_000);
    expect(bound).toBeLessThanOrEqual(300_000 + 128 * 1024);
  });
});

describe('malformed compressed data is CORRUPT_MESSAGE', () => {
  const garbage = Buffer.from('this is not compressed data at all, not even close');
  test.each(COMPRESSED_CODECS)('codec %d: garbage', async (codec) => {
    const error = await rejection(decompress(codec, garbage));
    expect(error.type).toBe('CORRUPT_MESSAGE');
  });

  test.each(COMPRESSED_CODECS)('codec %d: every truncation of a valid stream', async (codec) => {
    const packed = await compress(codec, Buffer.from('some records '.repeat(50)));
    for (const cut of [0, 1, 4, Math.floor(packed.length / 2), packed.length - 1]) {
      const error = await rejection(decompress(codec, packed.subarray(0, cut)));
      expect(error.type).toBe('CORRUPT_MESSAGE');
    }
  });
});

describe('unknown codec ids', () => {
  test.each([5, 6, 7])('id %d → UNSUPPORTED_COMPRESSION_TYPE everywhere', async (id) => {
    expect(() => codecFromId(id)).toThrow(KafkaError);
    expect(() => codecFromId(id)).toThrow(
      /UNSUPPORTED_COMPRESSION_TYPE: unknown compression codec id/,
    );
    expect((await rejection(compress(id, Buffer.from('x')))).type).toBe(
      'UNSUPPORTED_COMPRESSION_TYPE',
    );
    expect((await rejection(decompress(id, Buffer.from('x')))).type).toBe(
      'UNSUPPORTED_COMPRESSION_TYPE',
    );
    const batch = batchAround(id, Buffer.from('0e00000001026100', 'hex'));
    expect((await rejection(decodeRecordBatch(batch))).type).toBe('UNSUPPORTED_COMPRESSION_TYPE');
  });

  test('a non-positive cap is a caller error', async () => {
    await expect(decompress(CompressionCodec.Gzip, Buffer.alloc(0), 0)).rejects.toThrow(RangeError);
  });
});
