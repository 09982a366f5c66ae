import fc from 'fast-check';
import { CODEC_CASES } from './codec-cases';

describe('every znode codec', () => {
  it.each(CODEC_CASES.map((c) => [c.name, c] as const))(
    '%s: decode(encode(x)) equals x for any value',
    (_name, c) => {
      fc.assert(
        fc.property(c.values, (value) => {
          expect(c.decode(c.encode(value))).toEqual(value);
        }),
      );
    },
  );
});
