import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BROKER_CONFIG_DEF, BrokerConfigName } from '../../../broker/config/broker-config-def';
import { KafkaConfig } from '../../../broker/config/kafka-config';
import { parseProperties } from '../../../broker/config/properties';

const SAMPLE = join(__dirname, '../../../ops/config/server.properties');

describe('ops/config/server.properties', () => {
  let text: string;
  beforeAll(async () => {
    text = await readFile(SAMPLE, 'utf8');
  });

  test('parses without warnings into a local single-broker configuration', () => {
    const config = KafkaConfig.fromProperties(parseProperties(text, SAMPLE));
    expect(config.warnings).toEqual([]);
    expect(config.brokerId).toBe(1);
    expect(config.listeners.map((l) => `${l.listenerName}://${l.host}:${l.port}`)).toEqual([
      'PLAINTEXT://127.0.0.1:9092',
    ]);
    expect(config.advertisedListeners[0].host).toBe('127.0.0.1');
    expect(config.logDirs).toEqual(['/tmp/samsa-logs']);
    expect(config.zookeeperConnect.serversString).toBe('127.0.0.1:2181');
    expect(config.zookeeperConnect.chroot).toBeNull();
    expect(config.offsetsTopicReplicationFactor).toBe(1);
    expect(config.transactionStateLogReplicationFactor).toBe(1);
    expect(config.transactionStateLogMinIsr).toBe(1);
  });

  test('names every key samsa reads exactly once, set or commented out', () => {
    const active = parseProperties(text);
    const commented = [...text.matchAll(/^#([a-z][a-z0-9._]*)=(.*)$/gm)].map((m) => m[1]);
    const mentioned = [...active.keys(), ...commented];
    for (const name of BROKER_CONFIG_DEF.names()) {
      expect([name, mentioned.filter((m) => m === name).length]).toEqual([name, 1]);
    }
    expect(mentioned.filter((m) => !BROKER_CONFIG_DEF.has(m))).toEqual([]);
  });

  test('a commented-out line shows the true default, or a valid example when there is none', () => {
    for (const [, name, value] of text.matchAll(/^#([a-z][a-z0-9._]*)=(.*)$/gm)) {
      const key = name as BrokerConfigName;
      const def = BROKER_CONFIG_DEF.key(key).default;
      if (typeof def === 'string') expect([name, value]).toEqual([name, def]);
      else expect(() => BROKER_CONFIG_DEF.parseValue(key, value)).not.toThrow();
    }
  });

  test('each key is documented with its type and default in the comment above it', () => {
    const lines = text.split('\n');
    for (const name of BROKER_CONFIG_DEF.names()) {
      const at = lines.findIndex((l) => l.startsWith(`${name}=`) || l.startsWith(`#${name}=`));
      let start = at;
      while (start > 0 && lines[start - 1].startsWith('# ')) start--;
      const comment = lines
        .slice(start, at)
        .map((l) => l.slice(2))
        .join(' ');
      const key = BROKER_CONFIG_DEF.key(name);
      const shown =
        key.default === undefined
          ? 'none (required)'
          : key.default === null
            ? 'unset'
            : key.default === ''
              ? 'empty'
              : key.default;
      expect([name, comment]).toEqual([
        name,
        expect.stringContaining(`Type: ${key.type.toLowerCase()}. Default: ${shown}.`),
      ]);
    }
  });
});
