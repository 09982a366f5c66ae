import fc from 'fast-check';
import { ZkClient } from '../../../zk-schema/client';
import { chrootConnect, useHarness } from '../../harness';
import { CODEC_CASES } from './codec-cases';

useHarness();

describe('every znode codec through a real ZooKeeper ensemble', () => {
  let zk: ZkClient;

  beforeAll(async () => {
    zk = await ZkClient.connect(chrootConnect('codec-round-trip'), { sessionTimeoutMs: 10000 });
  });

  afterAll(async () => {
    await zk.close();
  });

  it.each(CODEC_CASES.map((c, i) => [c.name, c, i] as const))(
    '%s: the bytes stored in a znode decode to the value written',
    async (_name, c, i) => {
      const path = `/codec-${i}`;
      await zk.create(path, Buffer.alloc(0));
      await fc.assert(
        fc.asyncProperty(c.values, async (value) => {
          await zk.setData(path, c.encode(value));
          const { data } = await zk.getData(path);
          expect(c.decode(data ?? Buffer.alloc(0))).toEqual(value);
        }),
        { numRuns: 15 },
      );
    },
  );
});
