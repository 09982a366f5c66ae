/**
 * The statistics of `samsa producer-perf-test`, computed as Kafka's ProducerPerformance.Stats
 * computes them, and its output lines:
 *
 * - every reporting window (5 s), when a completion arrives after the window's end:
 *   `N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency.`
 *   (X, A, M with one decimal, Y with two; rates over the window's wall-clock time);
 * - at the end:
 *   `N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, P50 ms 50th,
 *   P95 ms 95th, P99 ms 99th, P999 ms 99.9th.` (X with six decimals as Java's %f, A and M two).
 *
 * Latency is whole milliseconds from `send()` to its acknowledgement. Percentiles come from a
 * sample of at most 500000 latencies (every k-th record, k = numRecords / min(numRecords,
 * 500000)): the sample is sorted and the p-th percentile is element floor(p * size). MB is 2^20
 * bytes. Time comes from the clock the caller passes (milliseconds), so tests can drive it.
 */

const MAX_SAMPLES = 500000;
const MB = 1024 * 1024;

export class ProducerStats {
  private readonly start: number;
  private windowStart: number;
  private readonly latencies: number[] = [];
  private readonly sampling: number;
  private iteration = 0;
  private count = 0;
  private bytes = 0;
  private maxLatency = 0;
  private totalLatency = 0;
  private windowCount = 0;
  private windowMaxLatency = 0;
  private windowTotalLatency = 0;
  private windowBytes = 0;

  constructor(
    numRecords: number,
    private readonly reportingIntervalMs: number,
    private readonly now: () => number,
  ) {
    this.start = now();
    this.windowStart = this.start;
    this.sampling = Math.max(
      1,
      Math.floor(numRecords / Math.max(1, Math.min(numRecords, MAX_SAMPLES))),
    );
  }

  /** The iteration number to pass to `record` for the next send (in send order). */
  nextIteration(): number {
    return this.iteration++;
  }

  /**
   * Records one acknowledged send; returns the window line when this completion closes a
   * reporting window (the caller prints it), else undefined.
   */
  record(iteration: number, latencyMs: number, bytes: number, time: number): string | undefined {
    this.count++;
    this.bytes += bytes;
    this.totalLatency += latencyMs;
    this.maxLatency = Math.max(this.maxLatency, latencyMs);
    this.windowCount++;
    this.windowBytes += bytes;
    this.windowTotalLatency += latencyMs;
    this.windowMaxLatency = Math.max(this.windowMaxLatency, latencyMs);
    if (iteration % this.sampling === 0) this.latencies.push(latencyMs);
    if (time - this.windowStart < this.reportingIntervalMs) return undefined;
    const line = this.windowLine();
    this.newWindow();
    return line;
  }

  private windowLine(): string {
    const elapsed = this.now() - this.windowStart;
    const recsPerSec = (1000 * this.windowCount) / elapsed;
    const mbPerSec = (1000 * this.windowBytes) / elapsed / MB;
    return (
      `${this.windowCount} records sent, ${recsPerSec.toFixed(1)} records/sec (${mbPerSec.toFixed(2)} MB/sec), ` +
      `${(this.windowTotalLatency / this.windowCount).toFixed(1)} ms avg latency, ` +
      `${this.windowMaxLatency.toFixed(1)} ms max latency.`
    );
  }

  private newWindow(): void {
    this.windowStart = this.now();
    this.windowCount = 0;
    this.windowMaxLatency = 0;
    this.windowTotalLatency = 0;
    this.windowBytes = 0;
  }

  /** The final line, with percentiles. */
  totalLine(): string {
    const elapsed = this.now() - this.start;
    const recsPerSec = (1000 * this.count) / elapsed;
    const mbPerSec = (1000 * this.bytes) / elapsed / MB;
    const [p50, p95, p99, p999] = percentiles(this.latencies, [0.5, 0.95, 0.99, 0.999]);
    return (
      `${this.count} records sent, ${recsPerSec.toFixed(6)} records/sec (${mbPerSec.toFixed(2)} MB/sec), ` +
      `${(this.totalLatency / this.count).toFixed(2)} ms avg latency, ${this.maxLatency.toFixed(2)} ms max latency, ` +
      `${p50} ms 50th, ${p95} ms 95th, ${p99} ms 99th, ${p999} ms 99.9th.`
    );
  }
}

/** Kafka's percentile rule: sort, then take element floor(p * size) for each p (0 if empty). */
export function percentiles(samples: readonly number[], ps: readonly number[]): number[] {
  const sorted = Float64Array.from(samples).sort();
  return ps.map((p) => (sorted.length === 0 ? 0 : sorted[Math.floor(p * sorted.length)]));
}
