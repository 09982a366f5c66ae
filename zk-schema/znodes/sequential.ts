/**
 * Persistent-sequential notification children (`config_change_0000000042`, `isr_change_...`,
 * `log_dir_event_...`, `acl_changes_...`, `token_change_...`).
 *
 * A writer creates `<root>/<prefix>` with mode PERSISTENT_SEQUENTIAL and ZooKeeper appends the
 * parent's child-version counter formatted as `%010d`: ten digits, zero-padded, or after the
 * signed 32-bit counter wraps, a minus sign and at least nine digits (`-000000001`). Listeners list the
 * children, parse the number back and handle the ones above the last number they processed.
 */
import { ZkDataError, describeValue } from '../json';

/** One sequential notification root: where children live and how their names start. */
export interface SequentialStore {
  /** The parent znode, e.g. `/config/changes`. */
  readonly root: string;
  /** The child-name prefix, e.g. `config_change_`. */
  readonly prefix: string;
}

/** The path to pass to a PERSISTENT_SEQUENTIAL create: `<root>/<prefix>`. */
export function createPath(store: SequentialStore): string {
  return `${store.root}/${store.prefix}`;
}

/** The sequence number of child `name`; a ZkDataError if `name` is not `<prefix><counter>`. */
export function sequenceNumber(store: SequentialStore, name: string): number {
  const counter = name.startsWith(store.prefix) ? name.slice(store.prefix.length) : undefined;
  if (counter === undefined || !/^(-[0-9]{9,10}|[0-9]{10})$/.test(counter)) {
    throw new ZkDataError(
      `${store.root}: child ${describeValue(name)} is not a sequential node named ${store.prefix}<10 digits>`,
    );
  }
  return Number(counter);
}

/** The full path of child `name` under the store's root, after checking the name. */
export function childPath(store: SequentialStore, name: string): string {
  sequenceNumber(store, name);
  return `${store.root}/${name}`;
}

/** Children sorted by sequence number (oldest first); a ZkDataError on a foreign child. */
export function bySequence(
  store: SequentialStore,
  names: readonly string[],
): Array<{ name: string; sequence: number }> {
  return names
    .map((name) => ({ name, sequence: sequenceNumber(store, name) }))
    .sort((a, b) => a.sequence - b.sequence);
}

/** The child name ZooKeeper gives to counter value `sequence` (for tests and tools). */
export function sequentialName(store: SequentialStore, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < -2147483648 || sequence > 2147483647) {
    throw new ZkDataError(`${store.root}: invalid sequence number ${describeValue(sequence)}`);
  }
  const digits = Math.abs(sequence).toString();
  return sequence < 0
    ? `${store.prefix}-${digits.padStart(9, '0')}`
    : `${store.prefix}${digits.padStart(10, '0')}`;
}
