/**
 * Each lab broker's `server.properties`: written once, when the lab is created, to
 * `<dir>/broker-<id>/server.properties`, and read by `samsa server-start` every time the broker
 * starts (so an edit takes effect at the next `samsa lab stop|start broker <id>`).
 *
 * Besides identity, listener, log folder and ZooKeeper, it sets classroom timings that are short
 * but sane, so that faults show within seconds and nothing flaps:
 *   zookeeper.session.timeout.ms=6000   a killed or paused broker loses its registration (and the
 *                                       controllership) 6 s later (Kafka: 18 s)
 *   replica.lag.time.max.ms=10000       a follower that stops fetching leaves the ISR after 10 s
 *                                       (Kafka: 30 s)
 *   controlled.shutdown.retry.backoff.ms=1000  the last broker to stop retries quickly (5 s)
 *   group.initial.rebalance.delay.ms=0  a lone console consumer starts at once (3 s)
 * and replication suited to the lab's size: default.replication.factor and
 * offsets.topic.replication.factor (and the transaction log's) = min(3, brokers),
 * transaction.state.log.min.isr = min(2, brokers), min.insync.replicas=1 (Kafka's default).
 *
 * Lines are `key=value` as people write them by hand (`listeners=PLAINTEXT://127.0.0.1:9092`, not
 * Properties.store's `PLAINTEXT\://...`): a `:` or `=` inside a value needs no escape when read.
 * Only what would change the value is escaped: a backslash, leading whitespace, line breaks and
 * characters outside printable ASCII (`\uXXXX`).
 */
import { LabBroker, LabSettings, replicationFactor } from './settings';

export const SERVER_PROPERTIES = 'server.properties';
export const BROKER_LOG_DIR = 'logs';

/** The classroom timings above, also quoted by the fault-injection hints. */
export const LAB_SESSION_TIMEOUT_MS = 6000;
export const LAB_REPLICA_LAG_TIME_MAX_MS = 10_000;

/** The keys and values of one broker's server.properties, in file order. */
export function serverPropertyEntries(
  broker: LabBroker,
  settings: LabSettings,
  zookeeperConnect: string,
  logDir: string,
): [string, string][] {
  const rf = String(replicationFactor(settings));
  return [
    ['broker.id', String(broker.id)],
    ['listeners', `PLAINTEXT://${broker.host}:${broker.port}`],
    ['log.dirs', logDir],
    ['zookeeper.connect', zookeeperConnect],
    ['zookeeper.session.timeout.ms', String(LAB_SESSION_TIMEOUT_MS)],
    ['replica.lag.time.max.ms', String(LAB_REPLICA_LAG_TIME_MAX_MS)],
    ['default.replication.factor', rf],
    ['min.insync.replicas', '1'],
    ['offsets.topic.replication.factor', rf],
    ['transaction.state.log.replication.factor', rf],
    ['transaction.state.log.min.isr', String(Math.min(2, settings.brokers))],
    ['group.initial.rebalance.delay.ms', '0'],
    ['controlled.shutdown.retry.backoff.ms', '1000'],
  ];
}

/** The file's text: a comment saying where it comes from, then the entries. */
export function renderServerProperties(
  broker: LabBroker,
  settings: LabSettings,
  zookeeperConnect: string,
  logDir: string,
): string {
  const header = [
    `# samsa lab: broker ${broker.id} of ${settings.brokers}, written by \`samsa lab up\`.`,
    '# Every key is explained in ops/config/server.properties. Edit this file, then restart the',
    `# broker to apply it (samsa lab stop broker ${broker.id}, then samsa lab start broker ${broker.id}).`,
    '',
  ].join('\n');
  const lines = serverPropertyEntries(broker, settings, zookeeperConnect, logDir).map(
    ([key, value]) => `${key}=${escapeValue(value)}`,
  );
  return `${header}${lines.join('\n')}\n`;
}

/** A value written so that a .properties reader gives it back unchanged (see above). */
export function escapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const code = value.charCodeAt(i);
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\f') out += '\\f';
    else if (c === ' ' && out.length === 0) out += '\\ ';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}
