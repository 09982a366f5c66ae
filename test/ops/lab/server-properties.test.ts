import fc from 'fast-check';
import { KafkaConfig } from '../../../broker/config/kafka-config';
import { parseProperties } from '../../../broker/config/properties';
import {
  escapeValue,
  renderServerProperties,
  serverPropertyEntries,
} from '../../../ops/lab/server-properties';
import { labBrokers, resolveSettings } from '../../../ops/lab/settings';

function render(brokers: number, id: number, connect = '127.0.0.1:2181,127.0.0.1:2182'): string {
  const settings = resolveSettings({ brokers });
  const broker = labBrokers(settings, '/labs/x')[id - 1];
  return renderServerProperties(broker, settings, connect, `${broker.dir}/logs`);
}

describe("a lab broker's server.properties", () => {
  it('loads as a broker configuration without unknown keys, with the lab identity and timings', () => {
    const config = KafkaConfig.fromProperties(parseProperties(render(3, 2), 'server.properties'));
    expect(config.warnings).toEqual([]);
    expect(config.brokerId).toBe(2);
    expect(config.listeners).toEqual([
      { listenerName: 'PLAINTEXT', host: '127.0.0.1', port: 9093, securityProtocol: 'PLAINTEXT' },
    ]);
    expect(config.logDirs).toEqual(['/labs/x/broker-2/logs']);
    expect(config.zookeeperConnect.serversString).toBe('127.0.0.1:2181,127.0.0.1:2182');
    expect(config.zookeeperConnect.chroot).toBeNull();
    expect(config.zookeeperSessionTimeoutMs).toBe(6000);
    expect(config.replicaLagTimeMaxMs).toBe(10000);
    expect(config.minInsyncReplicas).toBe(1);
    expect(config.groupInitialRebalanceDelayMs).toBe(0);
    expect(config.controlledShutdownRetryBackoffMs).toBe(1000);
  });

  it('replicates new topics and __consumer_offsets over min(3, brokers) brokers', () => {
    for (const [brokers, rf, txnMinIsr] of [
      [1, 1, 1],
      [2, 2, 2],
      [5, 3, 2],
    ]) {
      const config = KafkaConfig.fromProperties(parseProperties(render(brokers, 1), 'p'));
      expect(config.defaultReplicationFactor).toBe(rf);
      expect(config.offsetsTopicReplicationFactor).toBe(rf);
      expect(config.transactionStateLogReplicationFactor).toBe(rf);
      expect(config.transactionStateLogMinIsr).toBe(txnMinIsr);
    }
  });

  it('carries a chroot in zookeeper.connect', () => {
    const config = KafkaConfig.fromProperties(
      parseProperties(render(3, 1, '127.0.0.1:2181/samsa-lab'), 'p'),
    );
    expect(config.zookeeperConnect.chroot).toBe('/samsa-lab');
  });

  it('writes values the way people write them by hand, after a comment saying where it comes from', () => {
    const text = render(3, 1);
    expect(text).toContain('\nlisteners=PLAINTEXT://127.0.0.1:9092\n');
    expect(text).toContain('\nzookeeper.connect=127.0.0.1:2181,127.0.0.1:2182\n');
    expect(text.split('\n')[0]).toBe('# samsa lab: broker 1 of 3, written by `samsa lab up`.');
  });

  it('lists every key once', () => {
    const settings = resolveSettings({});
    const keys = serverPropertyEntries(labBrokers(settings, '/l')[0], settings, 'h:1', '/l/x').map(
      ([key]) => key,
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('escapes values so that a properties reader gives them back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const parsed = parseProperties(`k=${escapeValue(value)}\n`, 'p');
        expect(parsed.get('k')).toBe(value);
      }),
    );
  });
});
