/**
 * Config resources and sources for describeConfigs / alterConfigs, numbered as Kafka numbers them
 * (ConfigResource.Type and DescribeConfigs config_source), under KafkaJS's constant names.
 */

export const ConfigResourceTypes = {
  UNKNOWN: 0,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
} as const;

export type ConfigResourceType = (typeof ConfigResourceTypes)[keyof typeof ConfigResourceTypes];

export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

export type ConfigSourceId = (typeof ConfigSource)[keyof typeof ConfigSource];

/** Kafka's config types (DescribeConfigs config_type). */
export const ConfigTypes = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;

export type ConfigTypeId = (typeof ConfigTypes)[keyof typeof ConfigTypes];

const resourceTypeIds = new Set<number>(Object.values(ConfigResourceTypes));

export function isConfigResourceType(value: unknown): value is ConfigResourceType {
  return typeof value === 'number' && resourceTypeIds.has(value) && value !== 0;
}
