/**
 * Kafka's LineMessageReader: how `samsa console-producer` turns each line of standard input into
 * a record, from the `--property` settings:
 * - `parse.key=true`: the line is `key<separator>value`, split at the first separator
 *   (`key.separator`, default TAB); the value may be empty. A line without the separator is an
 *   error, `No key found on line <n>: <line>` (lines counted from 1), unless `ignore.error=true`,
 *   which sends the whole line as a value without key.
 * - otherwise the whole line is the value and there is no key.
 * Boolean properties are true when their value is `true` in any case (Java's equalsIgnoreCase).
 */
import { SamsaError } from '../../../client/errors';

export interface LineRecord {
  key: string | null;
  value: string;
}

export interface LineReaderSettings {
  parseKey: boolean;
  keySeparator: string;
  ignoreError: boolean;
}

/** The reader settings from `--property` values (unknown properties are ignored, as Kafka does). */
export function lineReaderSettings(properties: ReadonlyMap<string, string>): LineReaderSettings {
  const flag = (name: string): boolean => properties.get(name)?.trim().toLowerCase() === 'true';
  return {
    parseKey: flag('parse.key'),
    keySeparator: properties.get('key.separator') ?? '\t',
    ignoreError: flag('ignore.error'),
  };
}

/** Parses lines one at a time, counting them. */
export class LineMessageReader {
  private lineNumber = 0;

  constructor(private readonly settings: LineReaderSettings) {}

  read(line: string): LineRecord {
    this.lineNumber++;
    if (!this.settings.parseKey) return { key: null, value: line };
    const at = line.indexOf(this.settings.keySeparator);
    if (at === -1) {
      if (this.settings.ignoreError) return { key: null, value: line };
      throw new SamsaError(`No key found on line ${this.lineNumber}: ${line}`);
    }
    return { key: line.slice(0, at), value: line.slice(at + this.settings.keySeparator.length) };
  }
}
