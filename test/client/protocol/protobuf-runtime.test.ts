import * as protobuf from 'protobufjs/minimal';
import { Reader, Writer, util } from '../../../client/protocol/protobuf-runtime';

function int64Bytes(value: number): Buffer {
  return Buffer.from(Writer.create().int64(value).finish());
}

describe('protobuf runtime of the generated codecs', () => {
  test('reads int64 varints as numbers across the safe integer range', () => {
    for (const value of [
      0,
      1,
      127,
      128,
      2 ** 31,
      -1,
      -(2 ** 31) - 1,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
    ]) {
      expect(Reader.create(int64Bytes(value)).int64()).toBe(value);
    }
  });

  test('rejects an int64 whose magnitude is 2^53 or more', () => {
    expect(() => Reader.create(int64Bytes(2 ** 53)).int64()).toThrow(RangeError);
    expect(() => Reader.create(int64Bytes(-(2 ** 53))).int64()).toThrow(RangeError);
  });

  test('rejects a truncated or overlong int64 varint', () => {
    expect(() => Reader.create(Buffer.from([0x80, 0x80])).int64()).toThrow('index out of range');
    expect(() => Reader.create(Buffer.alloc(11, 0xff)).int64()).toThrow('invalid varint');
  });

  test('hides Long from the generated code, so int64 defaults are the number 0', () => {
    expect(util.Long).toBeUndefined();
    expect(util.emptyArray).toBe(protobuf.util.emptyArray);
  });

  test('leaves protobufjs itself unchanged for other users in the process', () => {
    expect(protobuf.util.Long).toBeDefined();
    const value = protobuf.Reader.create(int64Bytes(5)).int64();
    expect(typeof value).toBe('object');
  });
});
