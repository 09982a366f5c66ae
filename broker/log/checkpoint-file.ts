/**
 * Kafka's checkpoint files: small text files rewritten whole, atomically.
 *
 * Format (Kafka's `CheckpointFile`, byte for byte), lines ending in `\n`:
 *
 *   0                     version
 *   2                     number of entries
 *   orders 0 1500         one entry per line, fields separated by a space
 *   orders 1 1480
 *
 * The offset checkpoints at the top of a log dir (`recovery-point-offset-checkpoint`,
 * `replication-offset-checkpoint`, `log-start-offset-checkpoint`) have `topic partition offset`
 * entries; a partition's `leader-epoch-checkpoint` has `epoch startOffset` entries
 * (leader-epoch-cache.ts). An empty file reads as no entries (Kafka creates the leader-epoch
 * checkpoint empty).
 *
 * A write goes to `<file>.tmp`, is fsynced, renamed over the file, and the directory is fsynced,
 * so a crash leaves either the old or the new content. Writes to one file are serialized.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SamsaError } from '../../client/errors';
import { type TopicPartition, topicPartitionName } from './log-files';

export const CHECKPOINT_VERSION = 0;

export interface CheckpointFormatter<T> {
  toLine(entry: T): string;
  /** The entry a line holds, or undefined when the line is malformed. */
  fromLine(line: string): T | undefined;
}

/** Writes `content` to `file` atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeFileAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.tmp`;
  const fh = await fs.open(temp, 'w', 0o644);
  try {
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(temp, file);
  const dir = await fs.open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export class CheckpointFile<T> {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly formatter: CheckpointFormatter<T>,
    private readonly version = CHECKPOINT_VERSION,
  ) {}

  /** The file's text for these entries. */
  format(entries: readonly T[]): string {
    const lines = [String(this.version), String(entries.length)];
    for (const entry of entries) lines.push(this.formatter.toLine(entry));
    return lines.join('\n') + '\n';
  }

  /** Replaces the file's content; writes are applied in call order. */
  write(entries: readonly T[]): Promise<void> {
    const content = this.format(entries);
    const result = this.chain.then(() => writeFileAtomically(this.file, content));
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** The entries, or [] when the file is missing or empty; throws on a malformed file. */
  async read(): Promise<T[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    if (text.length === 0) return [];
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const malformed = (line: string | undefined): SamsaError =>
      new SamsaError(`Malformed line in checkpoint file (${this.file}): '${line ?? ''}'`);
    const version = Number(lines[0]);
    if (!/^-?\d+$/.test(lines[0] ?? '')) throw malformed(lines[0]);
    if (version !== this.version) {
      throw new SamsaError(
        `Unrecognized version of the checkpoint file (${this.file}): ${version}`,
      );
    }
    if (!/^\d+$/.test(lines[1] ?? '')) throw malformed(lines[1]);
    const expected = Number(lines[1]);
    const entries: T[] = [];
    for (const line of lines.slice(2)) {
      const entry = this.formatter.fromLine(line);
      if (entry === undefined) throw malformed(line);
      entries.push(entry);
    }
    if (entries.length !== expected) {
      throw new SamsaError(
        `Expected ${expected} entries in checkpoint file (${this.file}), but found ${entries.length}`,
      );
    }
    return entries;
  }
}

export interface TopicPartitionOffset {
  topicPartition: TopicPartition;
  offset: number;
}

const OFFSET_LINE = /^(\S+) (\d+) (-?\d+)$/;

const offsetFormatter: CheckpointFormatter<TopicPartitionOffset> = {
  toLine: ({ topicPartition, offset }) =>
    `${topicPartition.topic} ${topicPartition.partition} ${offset}`,
  fromLine: (line) => {
    const match = OFFSET_LINE.exec(line);
    if (!match) return undefined;
    return {
      topicPartition: { topic: match[1], partition: Number(match[2]) },
      offset: Number(match[3]),
    };
  },
};

/** One of the `topic partition offset` checkpoint files at the top of a log dir. */
export class OffsetCheckpointFile {
  private readonly checkpoint: CheckpointFile<TopicPartitionOffset>;

  constructor(readonly file: string) {
    this.checkpoint = new CheckpointFile(file, offsetFormatter);
  }

  /** Writes the offsets, one line per partition, ordered by topic then partition. */
  write(offsets: ReadonlyMap<string, TopicPartitionOffset>): Promise<void> {
    const entries = [...offsets.values()].sort((a, b) => {
      const ta = a.topicPartition.topic;
      const tb = b.topicPartition.topic;
      if (ta !== tb) return ta < tb ? -1 : 1;
      return a.topicPartition.partition - b.topicPartition.partition;
    });
    return this.checkpoint.write(entries);
  }

  /** The offsets by `topic-partition` name. */
  async read(): Promise<Map<string, TopicPartitionOffset>> {
    const entries = await this.checkpoint.read();
    return new Map(entries.map((e) => [topicPartitionName(e.topicPartition), e]));
  }
}
