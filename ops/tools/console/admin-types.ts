/**
 * The shapes of admin-client results the tools read (KafkaJS names, as samsa's Admin returns
 * them), and Kafka's numbering of config resource types and config sources, with the names
 * Kafka's Java ConfigEntry.ConfigSource prints (`DYNAMIC_TOPIC_CONFIG`, `DEFAULT_CONFIG`, ...).
 */

import { ConfigResourceTypes, type ConfigResourceType } from '../../../client';

export type { ConfigResourceType };

/** Kafka's ConfigResource.Type ids. */
export const CONFIG_RESOURCE_TOPIC = ConfigResourceTypes.TOPIC;
export const CONFIG_RESOURCE_BROKER = ConfigResourceTypes.BROKER;

/** Kafka's DescribeConfigs config_source ids. */
export const CONFIG_SOURCE_TOPIC = 1;
export const CONFIG_SOURCE_DYNAMIC_BROKER = 2;
export const CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER = 3;
export const CONFIG_SOURCE_DEFAULT = 5;

const CONFIG_SOURCE_NAMES: Readonly<Record<number, string>> = {
  0: 'UNKNOWN',
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
};

/** The name Kafka's tools print for a config source id (`DYNAMIC_TOPIC_CONFIG`, ...). */
export function configSourceName(source: number): string {
  return CONFIG_SOURCE_NAMES[source] ?? 'UNKNOWN';
}

export interface PartitionMetadataView {
  partitionId: number;
  /** -1 when the partition has no leader. */
  leader: number;
  replicas: readonly number[];
  isr: readonly number[];
}

export interface TopicMetadataView {
  name: string;
  /** Topic-level error code (0 = none), when the client reports it. */
  errorCode?: number;
  partitions: readonly PartitionMetadataView[];
}

export interface ConfigSynonymView {
  configName: string;
  configValue: string | null;
  configSource: number;
}

export interface ConfigEntryView {
  configName: string;
  configValue: string | null;
  configSource: number;
  isSensitive: boolean;
  readOnly: boolean;
  configSynonyms?: readonly ConfigSynonymView[];
}

export interface ConfigResourceResult {
  errorCode: number;
  errorMessage?: string | null;
  resourceType: number;
  resourceName: string;
  configEntries: readonly ConfigEntryView[];
}
