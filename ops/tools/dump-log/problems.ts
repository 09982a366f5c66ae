/**
 * The problems dump-log finds, collected while the files are dumped and printed to stderr at the
 * end, in Kafka's order and words:
 *
 *   Mismatches in :/abs/00000000000000000000.index          offset index entry vs. its batch
 *     Index offset: 7, log offset: 9
 *   Found timestamp mismatch in :/abs/...timeindex             time index entry vs. the records
 *     Index timestamp: 1000, log timestamp: 999
 *   Found out of order timestamp in :/abs/...timeindex
 *     Index timestamp: 1000, Previously indexed timestamp: 1200
 *   The following indexed offsets are not found in the log.
 *   Indexed offset: 7, found log offset: 9
 *   Non-consecutive offsets in /abs/00000000000000000000.log    (deep iteration)
 *     4 is followed by 6
 *
 * Files are named by absolute path. As in Kafka, offset-index mismatches and non-consecutive
 * pairs are listed newest first (Kafka prepends them to a list), time-index problems in the
 * order found.
 */
type Pairs = Map<string, [number, number][]>;

function add(map: Pairs, file: string, pair: [number, number]): void {
  const list = map.get(file);
  if (list) list.push(pair);
  else map.set(file, [pair]);
}

export class DumpProblems {
  private readonly indexMismatches: Pairs = new Map();
  private readonly timestampMismatches: Pairs = new Map();
  private readonly outOfOrderTimestamps: Pairs = new Map();
  private readonly offsetsNotFound: Pairs = new Map();
  private readonly nonConsecutive: Pairs = new Map();

  indexMismatch(file: string, indexOffset: number, logOffset: number): void {
    add(this.indexMismatches, file, [indexOffset, logOffset]);
  }

  timestampMismatch(file: string, indexTimestamp: number, logTimestamp: number): void {
    add(this.timestampMismatches, file, [indexTimestamp, logTimestamp]);
  }

  outOfOrderTimestamp(file: string, indexTimestamp: number, previousTimestamp: number): void {
    add(this.outOfOrderTimestamps, file, [indexTimestamp, previousTimestamp]);
  }

  indexedOffsetNotFound(file: string, indexOffset: number, logOffset: number): void {
    add(this.offsetsNotFound, file, [indexOffset, logOffset]);
  }

  nonConsecutiveOffsets(file: string, previous: number, next: number): void {
    add(this.nonConsecutive, file, [previous, next]);
  }

  /** The report, one string per line (empty when nothing was found). */
  lines(): string[] {
    const out: string[] = [];
    for (const [file, pairs] of this.indexMismatches) {
      out.push(`Mismatches in :${file}`);
      for (const [index, log] of [...pairs].reverse()) {
        out.push(`  Index offset: ${index}, log offset: ${log}`);
      }
    }
    for (const [file, pairs] of this.timestampMismatches) {
      out.push(`Found timestamp mismatch in :${file}`);
      for (const [index, log] of pairs) {
        out.push(`  Index timestamp: ${index}, log timestamp: ${log}`);
      }
    }
    for (const [file, pairs] of this.outOfOrderTimestamps) {
      out.push(`Found out of order timestamp in :${file}`);
      for (const [index, previous] of pairs) {
        out.push(`  Index timestamp: ${index}, Previously indexed timestamp: ${previous}`);
      }
    }
    for (const pairs of this.offsetsNotFound.values()) {
      out.push('The following indexed offsets are not found in the log.');
      for (const [index, log] of pairs) {
        out.push(`Indexed offset: ${index}, found log offset: ${log}`);
      }
    }
    for (const [file, pairs] of this.nonConsecutive) {
      out.push(`Non-consecutive offsets in ${file}`);
      for (const [first, second] of [...pairs].reverse()) {
        out.push(`  ${first} is followed by ${second}`);
      }
    }
    return out;
  }
}
