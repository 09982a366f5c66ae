import { ProducerStats, percentiles } from '../../../../ops/tools/perf/producer-stats';

describe("producer-perf-test statistics (Kafka's ProducerPerformance.Stats)", () => {
  it('takes percentiles as element floor(p * n) of the sorted sample', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(percentiles(samples, [0.5, 0.95, 0.99, 0.999])).toEqual([501, 951, 991, 1000]);
    expect(percentiles([7], [0.5, 0.999])).toEqual([7, 7]);
    expect(percentiles([], [0.5])).toEqual([0]);
  });

  it('prints a window line when a completion arrives 5 s after the window started', () => {
    let now = 0;
    const stats = new ProducerStats(100, 5000, () => now);
    now = 1000;
    expect(stats.record(stats.nextIteration(), 3, 1024 * 1024, now)).toBeUndefined();
    now = 5000;
    expect(stats.record(stats.nextIteration(), 7, 1024 * 1024, now)).toBe(
      '2 records sent, 0.4 records/sec (0.40 MB/sec), 5.0 ms avg latency, 7.0 ms max latency.',
    );
    now = 6000;
    expect(stats.record(stats.nextIteration(), 1, 100, now)).toBeUndefined();
  });

  it('prints the total line with six-decimal throughput and percentiles', () => {
    let now = 0;
    const stats = new ProducerStats(4, 5000, () => now);
    for (const latency of [2, 4, 9, 25]) {
      now += 250;
      stats.record(stats.nextIteration(), latency, 512, now);
    }
    expect(stats.totalLine()).toBe(
      '4 records sent, 4.000000 records/sec (0.00 MB/sec), 10.00 ms avg latency, 25.00 ms max latency, 9 ms 50th, 25 ms 95th, 25 ms 99th, 25 ms 99.9th.',
    );
  });

  it('samples every k-th latency when there are more than 500000 records', () => {
    const stats = new ProducerStats(1_000_000, 5000, () => 0);
    for (let i = 0; i < 10; i++) stats.record(stats.nextIteration(), i, 1, 0);
    // iterations 0, 2, 4, 6, 8 are sampled: latencies 0, 2, 4, 6, 8 → median element 2 of 5 = 4
    expect(stats.totalLine()).toContain(' 4 ms 50th, 8 ms 95th, 8 ms 99th, 8 ms 99.9th.');
  });
});
