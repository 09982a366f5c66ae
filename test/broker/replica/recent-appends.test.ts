import { RecentAppends } from '../../../broker/replica/recent-appends';

/** A buffer of `size` bytes that is its own backing store (as a copied request frame is). */
function own(size: number, fill: number): Buffer {
  return Buffer.from(new Uint8Array(size).fill(fill).buffer);
}

describe('RecentAppends', () => {
  it('reads whole appends from where one starts, consecutive ones together, within maxBytes', () => {
    const recent = new RecentAppends(1 << 20);
    recent.add(10, 12, own(100, 1));
    recent.add(12, 15, own(50, 2));
    recent.add(15, 16, own(70, 3));
    expect(recent.read(10, 1000)).toEqual(Buffer.concat([own(100, 1), own(50, 2), own(70, 3)]));
    expect(recent.read(12, 1000)).toEqual(Buffer.concat([own(50, 2), own(70, 3)]));
    expect(recent.read(10, 160)).toEqual(Buffer.concat([own(100, 1), own(50, 2)]));
    expect(recent.read(15, 70)).toEqual(own(70, 3));
    expect(recent.read(15, 69)).toBeUndefined();
    expect(recent.read(11, 1000)).toBeUndefined();
    expect(recent.read(9, 1000)).toBeUndefined();
    expect(recent.read(16, 1000)).toBeUndefined();
  });

  it('gives one append as it is, without a copy', () => {
    const recent = new RecentAppends(1 << 20);
    const records = own(100, 7);
    recent.add(0, 3, records);
    expect(recent.read(0, 1000)).toBe(records);
  });

  it('drops appends that end at or before a released offset', () => {
    const recent = new RecentAppends(1 << 20);
    recent.add(0, 2, own(10, 1));
    recent.add(2, 4, own(10, 2));
    recent.release(1);
    expect(recent.size).toBe(2);
    recent.release(2);
    expect(recent.size).toBe(1);
    expect(recent.read(0, 100)).toBeUndefined();
    expect(recent.read(2, 100)).toEqual(own(10, 2));
    recent.release(100);
    expect(recent.size).toBe(0);
    expect(recent.retained).toBe(0);
  });

  it('keeps at most maxBytes of the buffers its views keep alive, dropping the oldest', () => {
    const recent = new RecentAppends(1000);
    const frame = Buffer.alloc(600);
    recent.add(0, 1, frame.subarray(0, 10));
    expect(recent.retained).toBe(600);
    recent.add(1, 2, own(300, 1));
    expect(recent.size).toBe(2);
    recent.add(2, 3, own(300, 2));
    expect(recent.size).toBe(2);
    expect(recent.retained).toBe(600);
    expect(recent.read(0, 1000)).toBeUndefined();
    expect(recent.read(1, 1000)).toEqual(Buffer.concat([own(300, 1), own(300, 2)]));
    recent.add(3, 4, own(2000, 3));
    expect(recent.size).toBe(0);
  });

  it('starts over when an append does not follow the last one', () => {
    const recent = new RecentAppends(1 << 20);
    recent.add(0, 2, own(10, 1));
    recent.add(5, 6, own(10, 2));
    expect(recent.size).toBe(1);
    expect(recent.read(0, 100)).toBeUndefined();
    expect(recent.read(5, 100)).toEqual(own(10, 2));
  });

  it('stays correct over many appends and releases (compaction of its list)', () => {
    const recent = new RecentAppends(1 << 30);
    for (let i = 0; i < 1000; i++) {
      recent.add(i, i + 1, own(4, i % 256));
      if (i % 3 === 0) recent.release(i - 10);
    }
    // The last release (at 999) let go of everything ending at or before 989.
    expect(recent.size).toBe(11);
    expect(recent.read(989, 1000)).toHaveLength(44);
    expect(recent.read(990, 1000)?.subarray(0, 4)).toEqual(own(4, 990 % 256));
    expect(recent.read(988, 1000)).toBeUndefined();
  });
});
