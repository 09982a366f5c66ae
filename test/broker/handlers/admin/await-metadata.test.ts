import { allHaveLeaders, awaitMetadata } from '../../../../broker/handlers/admin/await-metadata';
import { MetadataCache } from '../../../../broker/metadata/metadata-cache';

function withLeaders(cache: MetadataCache, topic: string, leaders: number[]): void {
  cache.update({
    controllerId: 1,
    controllerEpoch: 1,
    liveBrokers: [{ id: 1, endpoints: [] }],
    topicStates: [
      {
        topicName: topic,
        partitionStates: leaders.map((leader, partitionIndex) => ({
          partitionIndex,
          leader,
          replicas: [1],
          isr: [1],
        })),
      },
    ],
  });
}

describe('delayed admin responses', () => {
  test('a partition that is unknown or has leader -1 has no leader', () => {
    const cache = new MetadataCache();
    expect(allHaveLeaders(cache, 't', [0])).toBe(false);
    withLeaders(cache, 't', [1, -1]);
    expect(allHaveLeaders(cache, 't', [0])).toBe(true);
    expect(allHaveLeaders(cache, 't', [0, 1])).toBe(false);
  });

  test('resolves true at once when the condition already holds', async () => {
    await expect(awaitMetadata(new MetadataCache(), () => true, 0)).resolves.toBe(true);
  });

  test('resolves true after the update that makes the condition hold', async () => {
    const cache = new MetadataCache();
    const waiting = awaitMetadata(cache, () => allHaveLeaders(cache, 't', [0]), 60000);
    withLeaders(cache, 't', [-1]);
    withLeaders(cache, 't', [1]);
    await expect(waiting).resolves.toBe(true);
  });

  test('resolves false when the timeout passes first, and stops listening', async () => {
    const cache = new MetadataCache();
    const start = performance.now();
    await expect(awaitMetadata(cache, () => cache.hasTopic('t'), 50)).resolves.toBe(false);
    expect(performance.now() - start).toBeGreaterThanOrEqual(45);
    await expect(awaitMetadata(cache, () => false, 0)).resolves.toBe(false);
  });
});
