/**
 * The protobufjs runtime that the generated codecs (generated/messages.js) run on, in place of
 * `protobufjs/minimal` (pbjs `--dependency ../protobuf-runtime`). It is protobufjs/minimal with one
 * difference: 64-bit integers are plain JavaScript numbers.
 *
 * Stock protobufjs 8 turns every int64 into a `Long` object when the `long` package is installed
 * (it is, as a protobufjs dependency): even `--force-number` code reads `Long`s, allocates a
 * `LongBits` per field, and its prototype default for a missing int64 is `Long(0)`. Here:
 * - `util` is protobufjs's util with `Long` hidden, so generated defaults are the number 0 and
 *   the encoder takes numbers;
 * - `Reader` reads int64 varints straight into a number, without allocating, and rejects a value
 *   outside +-(2^53 - 1) with a RangeError (an offset or timestamp cannot be that large, and
 *   silently rounding it would corrupt it);
 * - `roots` is private to samsa, so samsa's types never mix with other protobufjs users' roots.
 * Nothing global is changed: other users of protobufjs in the same process keep their `Long`s.
 * Only int64 is supported (generate-codecs.js rejects the other 64-bit types).
 */
import * as protobuf from 'protobufjs/minimal';

const TWO_POW_32 = 4294967296;

/** A Buffer reader whose int64 fields are numbers. */
class NumberReader extends protobuf.BufferReader {
  static recursionLimit = protobuf.Reader.recursionLimit;

  /** A reader over `buffer`; a Uint8Array that is not a Buffer is viewed as one, not copied. */
  static override create(buffer: Uint8Array): NumberReader {
    return new NumberReader(
      Buffer.isBuffer(buffer)
        ? buffer
        : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength),
    );
  }
}

/** Reads a varint-encoded int64 as a number (two's complement, up to 10 bytes). */
function readInt64(this: protobuf.Reader): number {
  const buf = this.buf;
  const len = this.len;
  let pos = this.pos;
  let lo = 0;
  let hi = 0;
  let byte = 0;
  let done = false;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= len) throw new RangeError(`index out of range: ${pos} + 1 > ${len}`);
    byte = buf[pos++];
    lo |= (byte & 127) << shift;
    if (byte < 128) {
      done = true;
      break;
    }
  }
  if (!done) {
    if (pos >= len) throw new RangeError(`index out of range: ${pos} + 1 > ${len}`);
    byte = buf[pos++];
    lo |= (byte & 15) << 28;
    hi = (byte & 127) >> 4;
    done = byte < 128;
    for (let shift = 3; !done && shift < 32; shift += 7) {
      if (pos >= len) throw new RangeError(`index out of range: ${pos} + 1 > ${len}`);
      byte = buf[pos++];
      hi |= (byte & 127) << shift;
      done = byte < 128;
    }
    if (!done) throw new RangeError('invalid varint encoding');
  }
  this.pos = pos;
  const value = (hi | 0) * TWO_POW_32 + (lo >>> 0);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError('int64 value does not fit in a JavaScript number (|value| > 2^53 - 1)');
  }
  return value;
}

// The typings say int64 returns a Long; this reader returns a number by design (see above).
Object.defineProperty(NumberReader.prototype, 'int64', { value: readInt64, writable: true });

/** protobufjs's util, with `Long` hidden so that 64-bit integers default to the number 0. */
const util: typeof protobuf.util = Object.create(protobuf.util, {
  Long: { value: undefined, enumerable: true },
});

const roots: Record<string, unknown> = {};

const Writer = protobuf.Writer;
type Writer = protobuf.Writer;

export { NumberReader as Reader, Writer, util, roots };
