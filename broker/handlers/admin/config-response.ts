/**
 * Config entries (broker/config's `ConfigEntry`: value, source, synonyms) in the shapes of the
 * DescribeConfigs and CreateTopics responses, with Kafka's numeric ids for sources and types. A
 * sensitive entry carries no value.
 */
import type { samsa } from '../../../client/protocol/generated/messages';
import { CONFIG_TYPE_IDS } from '../../config/config-def';
import { CONFIG_SOURCE_IDS, type ConfigEntry } from '../../config/config-entries';

export interface DescribeOptions {
  readonly includeSynonyms: boolean;
  readonly includeDocumentation: boolean;
  /** The keys asked for; empty: every key. */
  readonly keys: readonly string[];
}

/** DescribeConfigs entries, filtered to the keys asked for. */
export function describeConfigEntries(
  entries: readonly ConfigEntry[],
  options: DescribeOptions,
): samsa.DescribeConfigsResponse.Config.$Properties[] {
  const wanted = options.keys.length === 0 ? null : new Set(options.keys);
  return entries
    .filter((entry) => wanted === null || wanted.has(entry.name))
    .map((entry) => {
      const config: samsa.DescribeConfigsResponse.Config.$Properties = {
        name: entry.name,
        readOnly: entry.readOnly,
        configSource: CONFIG_SOURCE_IDS[entry.source],
        isSensitive: entry.isSensitive,
        configType: CONFIG_TYPE_IDS[entry.type],
        synonyms: options.includeSynonyms
          ? entry.synonyms.map((synonym) => {
              const s: samsa.DescribeConfigsResponse.Synonym.$Properties = {
                name: synonym.name,
                source: CONFIG_SOURCE_IDS[synonym.source],
              };
              if (synonym.value !== null) s.value = synonym.value;
              return s;
            })
          : [],
      };
      if (entry.value !== null && !entry.isSensitive) config.value = entry.value;
      if (options.includeDocumentation) config.documentation = entry.documentation;
      return config;
    });
}

/** CreateTopics response configs: every topic key with its value and source, no synonyms. */
export function createTopicConfigEntries(
  entries: readonly ConfigEntry[],
): samsa.CreateTopicsResponse.Config.$Properties[] {
  return entries.map((entry) => {
    const config: samsa.CreateTopicsResponse.Config.$Properties = {
      name: entry.name,
      readOnly: entry.readOnly,
      configSource: CONFIG_SOURCE_IDS[entry.source],
      isSensitive: entry.isSensitive,
    };
    if (entry.value !== null && !entry.isSensitive) config.value = entry.value;
    return config;
  });
}
