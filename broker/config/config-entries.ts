/**
 * Config entries as DescribeConfigs reports them (Kafka 2.8, KIP-226): each entry's value, the
 * source it came from, and its synonyms (the other places a value for it could come from, in
 * order of precedence), for broker resources and — through topic-config.ts — topic resources.
 *
 * A broker key's value comes from the first layer that has one of its synonyms: server.properties
 * or `--override` (STATIC_BROKER_CONFIG), then the built-in default (DEFAULT_CONFIG). Kafka also
 * has dynamic layers (/config/brokers/<id> and /config/brokers/<default>, set with
 * `kafka-configs --entity-type brokers --alter`); samsa does not reconfigure brokers at runtime,
 * so its brokers report only these two layers, and every broker entry is read-only.
 */
import { ConfigType, formatValue, isSensitive } from './config-def';
import { BROKER_CONFIG_DEF, BrokerConfigName } from './broker-config-def';
import type { KafkaConfig } from './kafka-config';

/** DescribeConfigs config sources, with Kafka's ids. */
export const CONFIG_SOURCE_IDS = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;
export type ConfigSource = keyof typeof CONFIG_SOURCE_IDS;

export interface ConfigSynonym {
  readonly name: string;
  /** null when the value is sensitive. */
  readonly value: string | null;
  readonly source: ConfigSource;
}

export interface ConfigEntry {
  readonly name: string;
  /** The effective value as a string; null when unset or sensitive. */
  readonly value: string | null;
  readonly source: ConfigSource;
  readonly readOnly: boolean;
  readonly isSensitive: boolean;
  readonly type: ConfigType;
  readonly documentation: string;
  /** Where a value may come from, highest precedence first; the first is where it came from. */
  readonly synonyms: readonly ConfigSynonym[];
}

/**
 * The broker keys that stand for the same setting, highest precedence first (Kafka's
 * DynamicBrokerConfig.brokerConfigSynonyms).
 */
export function brokerSynonyms(name: BrokerConfigName): BrokerConfigName[] {
  switch (name) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours'];
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    default:
      return [name];
  }
}

interface Layer {
  readonly source: ConfigSource;
  value(name: BrokerConfigName): string | null;
}

/** The layers a broker value may come from, highest precedence first. */
function brokerLayers(config: KafkaConfig): Layer[] {
  return [
    {
      source: 'STATIC_BROKER_CONFIG',
      value: (name) =>
        config.originals.has(name) ? BROKER_CONFIG_DEF.format(name, config.get(name)) : null,
    },
    {
      source: 'DEFAULT_CONFIG',
      value: (name) => {
        const key = BROKER_CONFIG_DEF.key(name);
        return typeof key.default === 'string'
          ? BROKER_CONFIG_DEF.format(name, BROKER_CONFIG_DEF.defaultValue(name))
          : null;
      },
    },
  ];
}

/** The synonyms of a setting present in the broker's layers, layer by layer (Kafka's order). */
export function brokerSynonymEntries(
  config: KafkaConfig,
  names: readonly BrokerConfigName[],
  sensitive: boolean,
): ConfigSynonym[] {
  const synonyms: ConfigSynonym[] = [];
  for (const layer of brokerLayers(config)) {
    for (const name of names) {
      const value = layer.value(name);
      if (value !== null) {
        synonyms.push({ name, value: sensitive ? null : value, source: layer.source });
      }
    }
  }
  return synonyms;
}

/** Every broker key as DescribeConfigs reports it for this broker. */
export function brokerConfigEntries(config: KafkaConfig): ConfigEntry[] {
  return BROKER_CONFIG_DEF.names().map((name) => {
    const key = BROKER_CONFIG_DEF.key(name);
    const sensitive = isSensitive(key.type);
    // Synonyms of higher precedence than the key itself are another key's business (Kafka drops
    // them too): describing log.retention.hours does not list log.retention.ms.
    const all = brokerSynonymEntries(config, brokerSynonyms(name), sensitive);
    const own = all.findIndex((synonym) => synonym.name === name);
    const synonyms = own < 0 ? [] : all.slice(own);
    const value = formatValue(config.get(name), key.type);
    return {
      name,
      value: sensitive ? null : value,
      source: synonyms[0]?.source ?? 'DEFAULT_CONFIG',
      readOnly: true,
      isSensitive: sensitive,
      type: key.type,
      documentation: key.doc,
      synonyms,
    };
  });
}
