/**
 * Compression of a record batch's records section, by Kafka codec id (attribute bits 0-2), with a
 * cap on the decompressed size enforced for every codec *before* the output is allocated, so a
 * small "compression bomb" cannot make a client or broker allocate gigabytes.
 *
 * Formats, as Kafka's Java client writes and reads them:
 * - gzip (1): an RFC 1952 gzip stream (several members are accepted). Capped by zlib's
 *   `maxOutputLength`, which stops inflating as soon as the output would pass the cap.
 * - snappy (2): snappy-java's "xerial" framing: the 8-byte magic 82 'SNAPPY' 00, int32 version 1,
 *   int32 minimum compatible version 1, then blocks of [int32 big-endian compressed length][raw
 *   snappy block] (Kafka's producer writes 32 KiB input blocks). A plain raw snappy block (no
 *   magic, as some other clients write) is also decoded. Each raw block starts with its
 *   uncompressed length as an unsigned varint; the sum of those is checked against the cap before
 *   any block is decompressed (the decoder then verifies each block yields exactly that length).
 * - lz4 (3): the standard LZ4 frame format (magic 04 22 4D 18) with independent blocks. The exact
 *   decompressed size is worked out before decompressing, by walking the frame's block headers
 *   and each compressed block's sequence headers (literal and match lengths) without producing
 *   output; a declared content size above the cap is refused first, since a decoder may allocate
 *   it up front.
 * - zstd (4): zstd frames (magic 28 B5 2F FD), as zstd-jni's streaming encoder writes them, which
 *   usually declare no content size (and @mongodb-js/zstd 1.x has no streaming decoder to stop
 *   early with). The frame and block headers are walked without decompressing: raw and RLE blocks
 *   state their size exactly, a compressed block regenerates at most min(window size, 128 KiB),
 *   and a declared Frame_Content_Size counts as such too. A frame whose bound passes the cap by
 *   more than one block (128 KiB) is refused undecompressed; otherwise it is decompressed and its
 *   true size checked, so the most ever allocated is the cap + 128 KiB. (A stream with several
 *   short compressed blocks near the cap may be refused although it would fit.)
 * - skippable lz4/zstd frames (magic 0x184D2A5?) are walked over and contribute nothing.
 *
 * Unknown codec ids (5, 6, 7) are UNSUPPORTED_COMPRESSION_TYPE; malformed compressed data and
 * over-cap output ("decompressed size exceeds N bytes") are CORRUPT_MESSAGE.
 */
import { promisify } from 'node:util';
import { constants as bufferConstants } from 'node:buffer';
import * as zlib from 'node:zlib';
import * as snappy from 'snappy';
import * as lz4 from 'lz4-napi';
import * as zstd from '@mongodb-js/zstd';
import { KafkaError } from '../errors';
import { COMPRESSION_NAMES, CompressionCodec } from './batch-header';

/** The decompressed-size cap used when the caller gives none: 64 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
const MAX_BUFFER_LENGTH = bufferConstants.MAX_LENGTH;

/** The codec for an attributes codec id, or UNSUPPORTED_COMPRESSION_TYPE for 5, 6 and 7. */
export function codecFromId(id: number): CompressionCodec {
  if (id >= CompressionCodec.None && id <= CompressionCodec.Zstd && Number.isInteger(id)) {
    return id as CompressionCodec;
  }
  throw new KafkaError(
    'UNSUPPORTED_COMPRESSION_TYPE',
    `unknown compression codec id ${id} (known: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)`,
  );
}

/** Compresses a records section with `codec` (None returns `data` itself). */
export async function compress(codec: CompressionCodec, data: Buffer): Promise<Buffer> {
  switch (codecFromId(codec)) {
    case CompressionCodec.None:
      return data;
    case CompressionCodec.Gzip:
      return gzip(data);
    case CompressionCodec.Snappy:
      return snappyXerialCompress(data);
    case CompressionCodec.Lz4:
      return lz4.compressFrame(data);
    case CompressionCodec.Zstd:
      return zstd.compress(data);
  }
}

/**
 * Decompresses a records section, refusing (CORRUPT_MESSAGE, "decompressed size exceeds N
 * bytes") output larger than `maxBytes` without allocating it.
 */
export async function decompress(
  codec: CompressionCodec,
  data: Buffer,
  maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Promise<Buffer> {
  const known = codecFromId(codec);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`maxDecompressedBytes must be a positive integer, got ${maxBytes}`);
  }
  if (known === CompressionCodec.None) {
    if (data.length > maxBytes) throw tooLarge(maxBytes);
    return data;
  }
  const name = COMPRESSION_NAMES[known];
  switch (known) {
    case CompressionCodec.Gzip:
      return gunzipCapped(data, maxBytes);
    case CompressionCodec.Snappy:
      return snappyDecompress(data, maxBytes);
    case CompressionCodec.Lz4:
      lz4DecompressedSize(data, maxBytes);
      return native(name, () => lz4.decompressFrame(data));
    case CompressionCodec.Zstd: {
      // The bound over-counts a compressed block that is not full; streaming encoders leave at
      // most the last block of a frame short, so one block of slack makes the cap exact for
      // them while capping the allocation at maxBytes + 128 KiB.
      if (zstdFrameBound(data) > maxBytes + ZSTD_BLOCK_SIZE_MAX) throw tooLarge(maxBytes);
      const out = await native(name, () => zstd.decompress(data));
      if (out.length > maxBytes) throw tooLarge(maxBytes);
      return out;
    }
  }
}

function tooLarge(maxBytes: number): KafkaError {
  return new KafkaError('CORRUPT_MESSAGE', `decompressed size exceeds ${maxBytes} bytes`);
}

function malformed(codec: string, detail: string, cause?: unknown): KafkaError {
  return new KafkaError('CORRUPT_MESSAGE', `invalid ${codec} data: ${detail}`, {}, cause);
}

async function native(codec: string, run: () => Promise<Buffer>): Promise<Buffer> {
  try {
    return await run();
  } catch (error) {
    throw malformed(codec, error instanceof Error ? error.message : String(error), error);
  }
}

// ---- gzip ----

async function gunzipCapped(data: Buffer, maxBytes: number): Promise<Buffer> {
  try {
    return await gunzip(data, { maxOutputLength: Math.min(maxBytes, MAX_BUFFER_LENGTH) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
    throw malformed('GZIP', error instanceof Error ? error.message : String(error), error);
  }
}

// ---- snappy (xerial framing) ----

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
const XERIAL_MIN_COMPATIBLE_VERSION = 1;
/** Input block size of snappy-java's SnappyOutputStream, which Kafka's producer uses. */
export const XERIAL_BLOCK_SIZE = 32 * 1024;

function isXerial(data: Buffer): boolean {
  return (
    data.length >= XERIAL_HEADER_SIZE &&
    data.compare(XERIAL_MAGIC, 0, XERIAL_MAGIC.length, 0, XERIAL_MAGIC.length) === 0
  );
}

function snappyXerialCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_MIN_COMPATIBLE_VERSION, 12);
  parts.push(header);
  for (let start = 0; start < data.length; start += XERIAL_BLOCK_SIZE) {
    const block = snappy.compressSync(data.subarray(start, start + XERIAL_BLOCK_SIZE));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

/** The uncompressed length a raw snappy block declares (its leading unsigned varint). */
function snappyDeclaredLength(block: Buffer): number {
  let value = 0;
  for (let index = 0; index < 5; index++) {
    if (index >= block.length) throw malformed('SNAPPY', 'truncated block length');
    const byte = block[index];
    value += (byte & 0x7f) * 2 ** (7 * index);
    if (byte < 0x80) return value;
  }
  throw malformed('SNAPPY', 'block length varint longer than 5 bytes');
}

function snappyBlocks(data: Buffer): Buffer[] {
  if (!isXerial(data)) return [data];
  const blocks: Buffer[] = [];
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (data.length - pos < 4) throw malformed('SNAPPY', 'truncated xerial block length');
    const length = data.readInt32BE(pos);
    pos += 4;
    if (length < 0 || length > data.length - pos) {
      throw malformed('SNAPPY', `xerial block length ${length} beyond the data`);
    }
    blocks.push(data.subarray(pos, pos + length));
    pos += length;
  }
  return blocks;
}

function snappyDecompress(data: Buffer, maxBytes: number): Buffer {
  const blocks = snappyBlocks(data);
  if (blocks.length === 1) {
    if (snappyDeclaredLength(blocks[0]) > maxBytes) throw tooLarge(maxBytes);
    return snappyBlock(blocks[0]);
  }
  let total = 0;
  for (const block of blocks) {
    total += snappyDeclaredLength(block);
    if (total > maxBytes) throw tooLarge(maxBytes);
  }
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const block of blocks) pos += snappyBlock(block).copy(out, pos);
  return out;
}

/** One raw snappy block, whose declared length the caller has checked against the cap. */
function snappyBlock(block: Buffer): Buffer {
  let plain: Buffer;
  try {
    plain = snappy.uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (error) {
    throw malformed('SNAPPY', error instanceof Error ? error.message : String(error), error);
  }
  if (plain.length !== snappyDeclaredLength(block)) {
    throw malformed('SNAPPY', 'block decompressed to a different length than it declares');
  }
  return plain;
}

// ---- frame walking shared by lz4 and zstd ----

function isSkippableFrame(magic: number): boolean {
  return (magic & 0xfffffff0) >>> 0 === 0x184d2a50;
}

/** Moves past a skippable frame at `pos` (magic, int32 LE size, payload); returns the new pos. */
function skipSkippableFrame(data: Buffer, pos: number, codec: string): number {
  if (data.length - pos < 8) throw malformed(codec, 'truncated skippable frame');
  const size = data.readUInt32LE(pos + 4);
  if (size > data.length - pos - 8) throw malformed(codec, 'skippable frame beyond the data');
  return pos + 8 + size;
}

// ---- lz4 frame ----

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_MAX_SIZES: Readonly<Record<number, number>> = {
  4: 64 * 1024,
  5: 256 * 1024,
  6: 1024 * 1024,
  7: 4 * 1024 * 1024,
};

/**
 * The exact size of what one LZ4 block (`data[start, end)`) decompresses to, found by walking its
 * sequences without producing output: each sequence is a token (literal length in the high 4
 * bits, match length - 4 in the low 4; 15 means "more length bytes follow, 255 = continue"), the
 * literals, then a 2-byte little-endian match offset; the last sequence has literals only.
 */
function lz4BlockSize(data: Buffer, start: number, end: number): number {
  let pos = start;
  let total = 0;
  while (true) {
    if (pos >= end) throw malformed('LZ4', 'block ends inside a sequence');
    const token = data[pos++];
    let literals = token >> 4;
    if (literals === 15) {
      let more: number;
      do {
        if (pos >= end) throw malformed('LZ4', 'block ends inside a literal length');
        more = data[pos++];
        literals += more;
      } while (more === 255);
    }
    if (literals > end - pos) throw malformed('LZ4', 'literals run past the block');
    pos += literals;
    total += literals;
    if (pos === end) return total;
    if (end - pos < 2) throw malformed('LZ4', 'block ends inside a match offset');
    if (data[pos] === 0 && data[pos + 1] === 0) throw malformed('LZ4', 'match offset 0');
    pos += 2;
    let match = token & 0x0f;
    if (match === 15) {
      let more: number;
      do {
        if (pos >= end) throw malformed('LZ4', 'block ends inside a match length');
        more = data[pos++];
        match += more;
      } while (more === 255);
    }
    total += match + 4;
  }
}

/**
 * The exact size the LZ4 frame(s) in `data` decompress to, from the frame structure alone:
 * FLG (version 01, block checksum bit 4, content size bit 3, content checksum bit 2, dictionary
 * id bit 0), BD (block maximum size in bits 4-6), optional 8-byte content size, optional 4-byte
 * dictionary id, header checksum byte; then blocks [uint32 LE size, high bit = stored
 * uncompressed][data][optional 4-byte checksum] up to a zero end mark and an optional 4-byte
 * content checksum. Stops with "exceeds" as soon as the running size passes `maxBytes`.
 */
export function lz4DecompressedSize(data: Buffer, maxBytes = Infinity): number {
  let pos = 0;
  let total = 0;
  if (data.length === 0) throw malformed('LZ4', 'empty input');
  while (pos < data.length) {
    if (data.length - pos < 4) throw malformed('LZ4', 'truncated frame magic');
    const magic = data.readUInt32LE(pos);
    if (isSkippableFrame(magic)) {
      pos = skipSkippableFrame(data, pos, 'LZ4');
      continue;
    }
    if (magic !== LZ4_MAGIC) throw malformed('LZ4', `bad frame magic 0x${magic.toString(16)}`);
    pos += 4;
    if (data.length - pos < 3) throw malformed('LZ4', 'truncated frame descriptor');
    const flg = data[pos];
    const bd = data[pos + 1];
    pos += 2;
    if (flg >> 6 !== 1) throw malformed('LZ4', `unsupported frame version ${flg >> 6}`);
    const blockMax = LZ4_BLOCK_MAX_SIZES[(bd >> 4) & 0x07];
    if (blockMax === undefined) throw malformed('LZ4', `bad block maximum size id ${bd >> 4}`);
    const blockChecksum = (flg & 0x10) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    let declared = -1;
    if ((flg & 0x08) !== 0) {
      if (data.length - pos < 8) throw malformed('LZ4', 'truncated content size');
      const high = data.readUInt32LE(pos + 4);
      declared = high >= 0x20_0000 ? Infinity : high * 0x1_0000_0000 + data.readUInt32LE(pos);
      // A decoder may allocate the declared size up front: refuse it before anything else.
      if (total + declared > maxBytes) throw tooLarge(maxBytes);
      pos += 8;
    }
    if ((flg & 0x01) !== 0) pos += 4;
    pos += 1; // header checksum
    let frameSize = 0;
    while (true) {
      if (data.length - pos < 4) throw malformed('LZ4', 'truncated block header');
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const stored = (word & 0x8000_0000) !== 0;
      const size = word & 0x7fff_ffff;
      if (size > blockMax) throw malformed('LZ4', `block of ${size} bytes above its maximum`);
      if (size + (blockChecksum ? 4 : 0) > data.length - pos) {
        throw malformed('LZ4', 'truncated block');
      }
      const blockSize = stored ? size : lz4BlockSize(data, pos, pos + size);
      if (blockSize > blockMax) throw malformed('LZ4', 'block decompresses above its maximum');
      frameSize += blockSize;
      if (total + frameSize > maxBytes) throw tooLarge(maxBytes);
      pos += size + (blockChecksum ? 4 : 0);
    }
    if (contentChecksum) pos += 4;
    if (pos > data.length) throw malformed('LZ4', 'truncated content checksum');
    if (declared >= 0 && declared !== frameSize) {
      throw malformed('LZ4', `content size ${declared} but the blocks hold ${frameSize} bytes`);
    }
    total += frameSize;
  }
  return total;
}

// ---- zstd frame ----

const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_BLOCK_SIZE_MAX = 128 * 1024;

/**
 * An upper bound on what the zstd frame(s) in `data` decompress to, from headers only (RFC 8878):
 * Frame_Header_Descriptor (FCS flag bits 7-6, single segment bit 5, reserved bit 3, checksum bit
 * 2, dictionary id flag bits 1-0), Window_Descriptor unless single segment, Dictionary_ID (0, 1,
 * 2 or 4 bytes), Frame_Content_Size (0/1, 2 (+256), 4 or 8 bytes, little-endian); then blocks
 * with a 3-byte little-endian header (bit 0 last block, bits 1-2 type: raw, RLE, compressed,
 * reserved; bits 3-23 size) and an optional 4-byte checksum after the last block.
 */
export function zstdFrameBound(data: Buffer): number {
  let pos = 0;
  let bound = 0;
  if (data.length === 0) throw malformed('ZSTD', 'empty input');
  while (pos < data.length) {
    if (data.length - pos < 4) throw malformed('ZSTD', 'truncated frame magic');
    const magic = data.readUInt32LE(pos);
    if (isSkippableFrame(magic)) {
      pos = skipSkippableFrame(data, pos, 'ZSTD');
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw malformed('ZSTD', `bad frame magic 0x${magic.toString(16)}`);
    pos += 4;
    if (pos >= data.length) throw malformed('ZSTD', 'truncated frame header');
    const descriptor = data[pos++];
    const fcsFlag = descriptor >> 6;
    const singleSegment = (descriptor & 0x20) !== 0;
    if ((descriptor & 0x08) !== 0) throw malformed('ZSTD', 'reserved header bit set');
    const checksum = (descriptor & 0x04) !== 0;
    const dictionaryIdSize = [0, 1, 2, 4][descriptor & 0x03];
    const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag];
    let windowSize = Infinity;
    if (!singleSegment) {
      if (pos >= data.length) throw malformed('ZSTD', 'truncated window descriptor');
      const windowDescriptor = data[pos++];
      const windowLog = 10 + (windowDescriptor >> 3);
      const windowBase = 2 ** windowLog;
      windowSize = windowBase + (windowBase / 8) * (windowDescriptor & 0x07);
    }
    pos += dictionaryIdSize;
    if (data.length - pos < fcsSize) throw malformed('ZSTD', 'truncated frame content size');
    let declared = -1;
    if (fcsSize === 1) declared = data[pos];
    else if (fcsSize === 2) declared = data.readUInt16LE(pos) + 256;
    else if (fcsSize === 4) declared = data.readUInt32LE(pos);
    else if (fcsSize === 8) {
      const high = data.readUInt32LE(pos + 4);
      declared = high >= 0x20_0000 ? Infinity : high * 0x1_0000_0000 + data.readUInt32LE(pos);
    }
    pos += fcsSize;
    if (singleSegment) windowSize = declared;
    const blockMax = Math.min(windowSize, ZSTD_BLOCK_SIZE_MAX);
    let frameBound = 0;
    while (true) {
      if (data.length - pos < 3) throw malformed('ZSTD', 'truncated block header');
      const header = data[pos] | (data[pos + 1] << 8) | (data[pos + 2] << 16);
      pos += 3;
      const last = (header & 1) !== 0;
      const type = (header >> 1) & 0x03;
      const size = header >>> 3;
      if (type === 3) throw malformed('ZSTD', 'reserved block type');
      const stored = type === 1 ? 1 : size;
      if (stored > data.length - pos) throw malformed('ZSTD', 'truncated block');
      if (type === 2 && size > blockMax) throw malformed('ZSTD', 'compressed block too large');
      pos += stored;
      frameBound += type === 2 ? blockMax : size;
      if (last) break;
    }
    if (checksum) {
      if (data.length - pos < 4) throw malformed('ZSTD', 'truncated content checksum');
      pos += 4;
    }
    bound += Math.max(frameBound, declared);
  }
  return bound;
}
