import fc from 'fast-check';
import {
  DEFAULT_MAX_FRAME_BYTES,
  FrameDecoder,
  encodeFrame,
} from '../../../client/protocol/framing';
import { FramingError } from '../../../client/protocol/protocol-errors';

function stream(bodies: Buffer[]): Buffer {
  return Buffer.concat(bodies.map((body) => encodeFrame(body)));
}

/** Splits `bytes` at the given cut points (sorted, deduplicated, inside the buffer). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

function decodeAll(decoder: FrameDecoder, chunks: Buffer[]): Buffer[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

describe('encodeFrame', () => {
  test('prefixes the body with its length as a 4-byte big-endian integer', () => {
    const frame = encodeFrame(Buffer.from('hello'));
    expect(frame.readUInt32BE(0)).toBe(5);
    expect(frame.subarray(4).toString()).toBe('hello');
  });
});

describe('FrameDecoder', () => {
  test('returns every frame of a chunk holding several frames, as views of the chunk', () => {
    const bodies = [Buffer.from('a'), Buffer.from('bc'), Buffer.from('def')];
    const chunk = stream(bodies);
    const frames = new FrameDecoder().push(chunk);
    expect(frames.map(String)).toEqual(['a', 'bc', 'def']);
    expect(frames[0].buffer).toBe(chunk.buffer);
  });

  test('reassembles a frame split at every possible byte boundary, length prefix included', () => {
    const bytes = stream([Buffer.from('first frame'), Buffer.from('second')]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decoder = new FrameDecoder();
      const frames = decodeAll(decoder, [bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(frames.map(String)).toEqual(['first frame', 'second']);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  test('reassembles a stream fed one byte at a time', () => {
    const bytes = stream([Buffer.from('x'), Buffer.alloc(300, 7), Buffer.from('z')]);
    const decoder = new FrameDecoder();
    const frames = decodeAll(
      decoder,
      [...bytes].map((byte) => Buffer.from([byte])),
    );
    expect(frames.map((frame) => frame.length)).toEqual([1, 300, 1]);
    expect(frames[1].equals(Buffer.alloc(300, 7))).toBe(true);
  });

  test('any chunking of a frame stream yields the same frames (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (bodies, cuts) => {
          const buffers = bodies.map((body) => Buffer.from(body));
          const decoder = new FrameDecoder(1000);
          const frames = decodeAll(decoder, split(stream(buffers), cuts));
          expect(frames.map((frame) => frame.toString('hex'))).toEqual(
            buffers.map((body) => body.toString('hex')),
          );
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
    );
  });

  test('keeps an incomplete frame buffered and reports its announced length', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(encodeFrame(Buffer.from('0123456789')).subarray(0, 7))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(7);
    expect(decoder.pendingFrameLength).toBe(10);
  });

  test('rejects a zero length prefix', () => {
    expect(() => new FrameDecoder().push(Buffer.from([0, 0, 0, 0]))).toThrow(FramingError);
  });

  test('rejects a length above the maximum as soon as the prefix is complete', () => {
    const decoder = new FrameDecoder(100);
    decoder.push(Buffer.from([0, 0]));
    expect(() => decoder.push(Buffer.from([0, 101]))).toThrow(
      'frame of 101 bytes is larger than the maximum of 100 bytes',
    );
  });

  test('accepts a frame of exactly the maximum size', () => {
    const frames = new FrameDecoder(100).push(encodeFrame(Buffer.alloc(100)));
    expect(frames).toHaveLength(1);
  });

  test('reads a prefix with the top bit set (a negative int32) as too large', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(FramingError);
  });

  test('stays failed after a FramingError', () => {
    const decoder = new FrameDecoder(10);
    expect(() => decoder.push(Buffer.from([0, 0, 0, 11]))).toThrow(FramingError);
    expect(() => decoder.push(encodeFrame(Buffer.from('ok')))).toThrow(FramingError);
  });

  test('holds only the bytes received for a frame that announces the maximum size', () => {
    const decoder = new FrameDecoder(DEFAULT_MAX_FRAME_BYTES);
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(DEFAULT_MAX_FRAME_BYTES);
    const first = Buffer.concat([prefix, Buffer.alloc(10)]);
    const chunks = Array.from({ length: 100 }, () => Buffer.alloc(10));
    const allocUnsafe = jest.spyOn(Buffer, 'allocUnsafe');
    const alloc = jest.spyOn(Buffer, 'alloc');
    try {
      decoder.push(first);
      for (const chunk of chunks) decoder.push(chunk);
      expect(decoder.bufferedBytes).toBe(1014);
      expect(allocUnsafe).not.toHaveBeenCalled();
      expect(alloc).not.toHaveBeenCalled();
    } finally {
      allocUnsafe.mockRestore();
      alloc.mockRestore();
    }
  });

  test('random bytes only ever raise FramingError and never allocate above the cap (fuzz)', () => {
    const max = 4096;
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 600 }),
            // Plausible length prefixes, to reach frames that complete or stay incomplete.
            fc.integer({ min: 0, max: 5000 }).map((length) => {
              const prefix = new Uint8Array(4);
              new DataView(prefix.buffer).setUint32(0, length);
              return prefix;
            }),
          ),
          { maxLength: 20 },
        ),
        (chunks) => {
          const decoder = new FrameDecoder(max);
          const sizes: number[] = [];
          const allocUnsafe = jest.spyOn(Buffer, 'allocUnsafe').mockImplementation((size) => {
            sizes.push(size);
            return Buffer.allocUnsafeSlow(size);
          });
          try {
            for (const chunk of chunks) {
              for (const frame of decoder.push(Buffer.from(chunk))) {
                expect(frame.length).toBeGreaterThanOrEqual(1);
                expect(frame.length).toBeLessThanOrEqual(max);
              }
              expect(decoder.bufferedBytes).toBeLessThanOrEqual(max + 4);
            }
          } catch (error) {
            expect(error).toBeInstanceOf(FramingError);
          } finally {
            allocUnsafe.mockRestore();
          }
          for (const size of sizes) expect(size).toBeLessThanOrEqual(max);
        },
      ),
      { numRuns: 300 },
    );
  });
});
