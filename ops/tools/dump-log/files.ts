/**
 * How dump-log finds and opens the files it is given: a segment file's base offset from its
 * name, the `.log` / `.index` next to an index file, and read-only opens whose failure is a
 * one-line error naming the file.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { SamsaError } from '../../../client/errors';

/**
 * Kafka takes the suffix from the last dot of the name (`.log`, `.index`, `.timeindex`, ...);
 * a name without a dot has none.
 */
export function fileSuffix(file: string): string {
  const name = path.basename(file);
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot);
}

/** The base offset a segment file is named after: the part of its name before the first dot. */
export function baseOffsetOf(file: string): number {
  const stem = path.basename(file).split('.')[0];
  if (!/^\d+$/.test(stem) || !Number.isSafeInteger(Number(stem))) {
    throw new SamsaError(
      `${file} is not named after a segment base offset (expected e.g. 00000000000000000000${fileSuffix(file)})`,
    );
  }
  return Number(stem);
}

/** The file of the same segment with another suffix, e.g. the `.log` of an `.index`. */
export function siblingFile(file: string, suffix: string): string {
  const absolute = path.resolve(file);
  return path.join(path.dirname(absolute), path.basename(absolute).split('.')[0] + suffix);
}

export interface OpenedFile {
  fh: FileHandle;
  size: number;
}

/** Opens a file read-only with its size; a missing or unreadable file is a one-line error. */
export async function openReadOnly(file: string): Promise<OpenedFile> {
  const opened = await open(file, false);
  if (!opened) throw new SamsaError(`${file} (No such file or directory)`);
  return opened;
}

/** Like openReadOnly, but undefined when the file does not exist. */
export async function openIfExists(file: string): Promise<OpenedFile | undefined> {
  return open(file, true);
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
};

async function open(file: string, missingOk: boolean): Promise<OpenedFile | undefined> {
  let fh: FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT' && missingOk) return undefined;
    throw new SamsaError(`${file} (${REASONS[code] ?? (err as Error).message})`);
  }
  try {
    const stat = await fh.stat();
    if (stat.isDirectory()) throw new SamsaError(`${file} (${REASONS.EISDIR})`);
    return { fh, size: stat.size };
  } catch (err) {
    await fh.close();
    throw err;
  }
}
