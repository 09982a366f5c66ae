/**
 * `meta.properties` at the top of every log dir: which broker and which cluster the data
 * belongs to, so a broker refuses a log dir of another broker or cluster.
 *
 * Format (what Kafka 2.8 in ZooKeeper mode writes with java.util.Properties#store, byte for
 * byte except for the date), lines ending in `\n`:
 *
 *   #
 *   #Sat Nov 23 12:10:00 UTC 2024
 *   cluster.id=6pU0hE2LQTqYy8b3kmtlZg
 *   version=0
 *   broker.id=1
 *
 * The first line is the empty comment Kafka passes to `store`, the second the date
 * (`EEE MMM dd HH:mm:ss zzz yyyy`, written here in UTC). `cluster.id` is absent when the
 * cluster id is not known yet. Keys and values are escaped as Java properties are. The file is
 * written to `meta.properties.tmp`, fsynced and renamed; reading removes a stale `.tmp`, parses
 * any Java properties file, and accepts only `version=0`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SamsaError } from '../../client/errors';
import { writeFileAtomically } from './checkpoint-file';
import { META_PROPERTIES_FILE } from './log-files';

export interface BrokerMetadata {
  brokerId: number;
  clusterId?: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** java.util.Date#toString in UTC: `Sat Nov 23 12:10:00 UTC 2024`. */
export function javaDateString(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ` +
    `${date.getUTCFullYear()}`
  );
}

/** Escapes a key or value the way Properties#store does. */
function escapeProperty(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const code = text.charCodeAt(i);
    if (c === ' ') out += i === 0 || isKey ? '\\ ' : ' ';
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\f') out += '\\f';
    else if ('=:#!\\'.includes(c)) out += `\\${c}`;
    else if (code < 0x20 || code > 0x7e)
      out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

/** The file's text for this metadata, dated `now`. */
export function formatMetaProperties(metadata: BrokerMetadata, now = new Date()): string {
  const lines = ['#', `#${javaDateString(now)}`];
  if (metadata.clusterId !== undefined) {
    lines.push(`cluster.id=${escapeProperty(metadata.clusterId, false)}`);
  }
  lines.push('version=0', `broker.id=${metadata.brokerId}`);
  return lines.join('\n') + '\n';
}

/** Parses a Java properties file (comments, `=`/`:`/space separators, escapes, continuations). */
export function parseProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  const rawLines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < rawLines.length; i++) {
    let line = rawLines[i].replace(/^[ \t\f]+/, '');
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    while (endsWithOddBackslashes(line) && i + 1 < rawLines.length) {
      line = line.slice(0, -1) + rawLines[++i].replace(/^[ \t\f]+/, '');
    }
    let keyEnd = 0;
    while (keyEnd < line.length && !'=: \t\f'.includes(line[keyEnd])) {
      keyEnd += line[keyEnd] === '\\' ? 2 : 1;
    }
    let valueStart = keyEnd;
    while (valueStart < line.length && ' \t\f'.includes(line[valueStart])) valueStart++;
    if (valueStart < line.length && '=:'.includes(line[valueStart])) valueStart++;
    while (valueStart < line.length && ' \t\f'.includes(line[valueStart])) valueStart++;
    result.set(unescape(line.slice(0, keyEnd)), unescape(line.slice(valueStart)));
  }
  return result;
}

function endsWithOddBackslashes(line: string): boolean {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, esc: string) => {
    if (esc.length === 5) return String.fromCharCode(parseInt(esc.slice(1), 16));
    return { t: '\t', n: '\n', r: '\r', f: '\f' }[esc] ?? esc;
  });
}

/** Writes `<logDir>/meta.properties` atomically. */
export async function writeMetaProperties(logDir: string, metadata: BrokerMetadata): Promise<void> {
  await writeFileAtomically(
    path.join(logDir, META_PROPERTIES_FILE),
    formatMetaProperties(metadata),
  );
}

/** Reads `<logDir>/meta.properties`; undefined when the file does not exist. */
export async function readMetaProperties(logDir: string): Promise<BrokerMetadata | undefined> {
  const file = path.join(logDir, META_PROPERTIES_FILE);
  await fs.rm(`${file}.tmp`, { force: true });
  let text: string;
  try {
    text = await fs.readFile(file, 'latin1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const props = parseProperties(text);
  const version = props.get('version');
  if (version !== '0') {
    throw new SamsaError(
      `Unrecognized version of the server meta.properties file ${file}: ${version}`,
    );
  }
  const brokerIdText = props.get('broker.id') ?? '';
  const brokerId = Number(brokerIdText);
  if (!/^\d+$/.test(brokerIdText) || brokerId > 0x7fff_ffff) {
    throw new SamsaError(`Invalid broker.id '${brokerIdText}' in ${file}`);
  }
  const clusterId = props.get('cluster.id');
  return clusterId === undefined ? { brokerId } : { brokerId, clusterId };
}

/**
 * Kafka's startup check of the log dirs' metadata: every existing meta.properties must name the
 * same broker id, that id must be the configured one, and the cluster id must be the cluster's
 * (from ZooKeeper). Then the file is (re)written in every dir that lacks it or lacks the cluster
 * id. Throws a one-line error naming the mismatch.
 */
export async function checkAndWriteMetaProperties(
  logDirs: readonly string[],
  brokerId: number,
  clusterId: string,
): Promise<void> {
  const found = await Promise.all(logDirs.map((dir) => readMetaProperties(dir)));
  const ids = new Set(found.flatMap((m) => (m ? [m.brokerId] : [])));
  if (ids.size > 1) {
    throw new SamsaError(
      `Failed to match broker.id across log.dirs. This could happen if multiple brokers shared a ` +
        `log directory (log.dirs) or partial data was manually copied from another broker. ` +
        `Found ${[...ids].join(', ')}`,
    );
  }
  const stored = [...ids][0];
  if (stored !== undefined && stored !== brokerId) {
    throw new SamsaError(
      `Configured broker.id ${brokerId} doesn't match stored broker.id ${stored} in ` +
        `meta.properties. If you moved your data, make sure your configured broker.id matches. ` +
        `If you intend to create a new broker, you should remove all data in your data ` +
        `directories (log.dirs).`,
    );
  }
  for (const m of found) {
    if (m?.clusterId !== undefined && m.clusterId !== clusterId) {
      throw new SamsaError(
        `The Cluster ID ${clusterId} doesn't match stored clusterId ${m.clusterId} in ` +
          `meta.properties. The broker is trying to join the wrong cluster. Configured ` +
          `zookeeper.connect may be wrong.`,
      );
    }
  }
  await Promise.all(
    logDirs.map((dir, i) =>
      found[i]?.clusterId === clusterId
        ? undefined
        : writeMetaProperties(dir, { brokerId, clusterId }),
    ),
  );
}
