import fc from 'fast-check';
import { OffsetMap } from '../../../broker/log/offset-map';

const key = (text: string): [Buffer, number, number] => {
  // Keys are read from inside larger buffers, as the cleaner reads them from a batch.
  const buf = Buffer.from(`..${text}..`);
  return [buf, 2, buf.length - 4];
};

describe('OffsetMap', () => {
  it('maps each key to the latest offset put for it, and answers -1 for an unknown key', () => {
    const map = new OffsetMap(1 << 20);
    expect(map.put(...key('a'), 1)).toBe(true);
    expect(map.put(...key('b'), 2)).toBe(true);
    expect(map.put(...key('a'), 7)).toBe(true);
    expect(map.get(...key('a'))).toBe(7);
    expect(map.get(...key('b'))).toBe(2);
    expect(map.get(...key('c'))).toBe(-1);
    expect(map.get(...key(''))).toBe(-1);
    expect(map.put(...key(''), 9)).toBe(true);
    expect(map.get(...key(''))).toBe(9);
    expect(map.size).toBe(3);
  });

  it('grows past its first slots and arena and stays exact over many keys', () => {
    const map = new OffsetMap(16 << 20);
    const refused: number[] = [];
    for (let i = 0; i < 50_000; i++) if (!map.put(...key(`key-${i}`), i)) refused.push(i);
    for (let i = 0; i < 50_000; i += 7) {
      if (!map.put(...key(`key-${i}`), i + 100_000)) refused.push(i);
    }
    expect(refused).toEqual([]);
    const wrong: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      if (map.get(...key(`key-${i}`)) !== (i % 7 === 0 ? i + 100_000 : i)) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    expect(map.size).toBe(50_000);
  });

  it('is full at 90% of its slots: a new key is refused, a known key still updates', () => {
    const map = new OffsetMap(1024); // 32 slots of 16 bytes, 512 bytes of keys
    expect(map.maxSlots).toBe(32);
    let stored = 0;
    while (map.put(...key(`k${stored}`), stored)) stored++;
    expect(stored).toBe(28);
    expect(map.put(...key('k3'), 99)).toBe(true);
    expect(map.get(...key('k3'))).toBe(99);
    expect(map.get(...key('k28'))).toBe(-1);
    expect(map.utilization).toBe(1);
  });

  it('is full when its key arena cannot hold a new key', () => {
    const map = new OffsetMap(1024);
    const long = 'x'.repeat(200);
    expect(map.put(...key(`${long}1`), 1)).toBe(true);
    expect(map.put(...key(`${long}2`), 2)).toBe(true);
    expect(map.put(...key(`${long}3`), 3)).toBe(false);
    expect(map.size).toBe(2);
  });

  it('forgets everything on clear, including the end of the mapped range', () => {
    const map = new OffsetMap(1 << 20);
    map.put(...key('a'), 1);
    map.updateLatestOffset(10);
    expect(map.latestOffset).toBe(10);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.latestOffset).toBe(-1);
    expect(map.get(...key('a'))).toBe(-1);
  });

  it('refuses a memory bound too small to be useful', () => {
    expect(() => new OffsetMap(100)).toThrow(/log.cleaner.dedupe.buffer.size/);
  });

  it('agrees with a Map for any sequence of puts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 12 }), fc.nat()), { maxLength: 300 }),
        (puts) => {
          const map = new OffsetMap(1 << 20);
          const model = new Map<string, number>();
          for (const [bytes, offset] of puts) {
            const buf = Buffer.from(bytes);
            expect(map.put(buf, 0, buf.length, offset)).toBe(true);
            model.set(buf.toString('hex'), offset);
          }
          for (const [hex, offset] of model) {
            const buf = Buffer.from(hex, 'hex');
            expect(map.get(buf, 0, buf.length)).toBe(offset);
          }
          expect(map.size).toBe(model.size);
        },
      ),
    );
  });
});
