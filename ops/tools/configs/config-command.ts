/**
 * `samsa configs`: Kafka 2.8's ConfigCommand over the admin client, for topics and brokers.
 *
 * `--describe` prints, per entity, a header and one line per config entry:
 *
 *   Dynamic configs for topic orders are:
 *     retention.ms=86400000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=86400000, DEFAULT_CONFIG:log.retention.hours=168}
 *
 * Without `--all` only the entity's dynamic entries are listed (for a topic its overrides,
 * source DYNAMIC_TOPIC_CONFIG; for a broker its dynamic broker configs, which samsa brokers never
 * have, so the list is empty); with `--all` every entry, with the header `All configs for ...`.
 * The cluster-wide broker default is headed `Default configs for brokers in the cluster are:`.
 * Without an entity name every topic (or every broker, then the default) is described.
 *
 * `--alter` on a topic: the names given to `--delete-config` must be current overrides (else
 * `Invalid config(s): a,b`); the new override set (current overrides, plus `--add-config`,
 * minus `--delete-config`) is written with AlterConfigs, which replaces the whole set, and
 * `Completed updating config for topic <t>.` is printed. samsa brokers take their configuration
 * from server.properties only, so `--alter` of a broker fails with one line saying so.
 *
 * Errors: bad arguments and the checks made here (`Invalid config(s): ...`) print their message
 * on standard error; any other failure, including an error the broker returns (such as an invalid
 * config value), prints `Error while executing config command with args '<args>'` and then the
 * reason, on standard error. Both exit with code 1.
 */
import { KafkaError, SamsaError } from '../../../client/errors';
import { errorText, loadProperties, UsageError } from '../console/command-line';
import type { ToolOutput } from '../console/output';
import {
  CONFIG_RESOURCE_BROKER,
  CONFIG_RESOURCE_TOPIC,
  CONFIG_SOURCE_DYNAMIC_BROKER,
  CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER,
  CONFIG_SOURCE_TOPIC,
  configSourceName,
  type ConfigEntryView,
  type ConfigResourceType,
  type ConfigResourceResult,
} from '../console/admin-types';
import { ConfigCommand, EntityType, parseConfigsToBeAdded } from './config-options';

/** The admin operations `samsa configs` uses (KafkaJS names, as samsa's Admin has them). */
export interface ConfigAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  describeCluster(): Promise<{ brokers: { nodeId: number }[] }>;
  describeConfigs(options: {
    resources: { type: ConfigResourceType; name: string }[];
    includeSynonyms: boolean;
  }): Promise<{ resources: ConfigResourceResult[] }>;
  alterConfigs(options: {
    resources: {
      type: ConfigResourceType;
      name: string;
      configEntries: { name: string; value: string }[];
    }[];
  }): Promise<unknown>;
}

/** An invalid request (Kafka's InvalidConfigurationException / IllegalArgumentException). */
export class InvalidConfigError extends SamsaError {}

/** `  name=value sensitive=false synonyms={SOURCE:name=value, ...}` */
export function formatConfigEntry(entry: ConfigEntryView): string {
  const synonyms = (entry.configSynonyms ?? [])
    .map((s) => `${configSourceName(s.configSource)}:${s.configName}=${s.configValue ?? 'null'}`)
    .join(', ');
  return `  ${entry.configName}=${entry.configValue ?? 'null'} sensitive=${entry.isSensitive} synonyms={${synonyms}}`;
}

/** The header line printed before an entity's entries. */
export function describeHeader(type: EntityType, name: string, describeAll: boolean): string {
  if (name === '') return `Default configs for ${type} in the cluster are:`;
  return `${describeAll ? 'All' : 'Dynamic'} configs for ${type.slice(0, -1)} ${name} are:`;
}

/** The entries `--describe` lists for one entity (Kafka's getResourceConfig filter). */
export function selectEntries(
  type: EntityType,
  name: string,
  entries: readonly ConfigEntryView[],
  describeAll: boolean,
): ConfigEntryView[] {
  if (describeAll) return [...entries];
  const dynamicSource =
    type === 'topics'
      ? CONFIG_SOURCE_TOPIC
      : name === ''
        ? CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER
        : CONFIG_SOURCE_DYNAMIC_BROKER;
  return entries.filter((entry) => entry.configSource === dynamicSource);
}

/** Kafka's Topic.validate, with its messages. */
export function validateTopicName(name: string): void {
  if (name.length === 0) throw new InvalidConfigError("Topic name is illegal, it can't be empty");
  if (name === '.' || name === '..') {
    throw new InvalidConfigError('Topic name cannot be "." or ".."');
  }
  if (name.length > 249) {
    throw new InvalidConfigError(
      `Topic name is illegal, it can't be longer than 249 characters, topic name: ${name}`,
    );
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    throw new InvalidConfigError(
      `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`,
    );
  }
}

function resourceType(type: EntityType): ConfigResourceType {
  return type === 'topics' ? CONFIG_RESOURCE_TOPIC : CONFIG_RESOURCE_BROKER;
}

async function resourceConfig(
  admin: ConfigAdmin,
  type: EntityType,
  name: string,
  includeSynonyms: boolean,
): Promise<readonly ConfigEntryView[]> {
  if (type === 'topics') validateTopicName(name);
  const result = await admin.describeConfigs({
    resources: [{ type: resourceType(type), name }],
    includeSynonyms,
  });
  const resource = result.resources.find((r) => r.resourceName === name) ?? result.resources[0];
  if (resource === undefined) {
    throw new KafkaError('UNKNOWN_SERVER_ERROR', `no DescribeConfigs result for ${name}`);
  }
  if (resource.errorCode !== 0) {
    throw KafkaError.fromCode(
      resource.errorCode,
      resource.errorMessage ?? undefined,
      type === 'topics' ? { topic: name } : { broker: name },
    );
  }
  return resource.configEntries;
}

async function describe(command: ConfigCommand, admin: ConfigAdmin, output: ToolOutput) {
  const type = command.entityType;
  let entities: string[];
  if (command.entityName !== undefined) {
    entities = [command.entityName];
  } else if (type === 'topics') {
    entities = await admin.listTopics();
  } else {
    const cluster = await admin.describeCluster();
    entities = [...cluster.brokers.map((b) => String(b.nodeId)), ''];
  }
  for (const entity of entities) {
    await output.stdout(`${describeHeader(type, entity, command.describeAll)}\n`);
    const entries = await resourceConfig(admin, type, entity, true);
    for (const entry of selectEntries(type, entity, entries, command.describeAll)) {
      await output.stdout(`${formatConfigEntry(entry)}\n`);
    }
  }
}

async function alter(command: ConfigCommand, admin: ConfigAdmin, output: ToolOutput) {
  const name = command.entityName as string;
  const added = new Map<string, string>();
  if (command.addConfigFile !== undefined) {
    for (const [k, v] of await loadProperties(command.addConfigFile)) added.set(k, v);
  }
  if (command.addConfig !== undefined) {
    for (const [k, v] of parseConfigsToBeAdded(command.addConfig)) added.set(k, v);
  }
  if (command.entityType === 'brokers') {
    throw new InvalidConfigError(
      `samsa brokers have no dynamic configs: broker ${name === '' ? 'defaults' : name} cannot be altered; ` +
        'set broker configs in server.properties (or with --override) and restart the broker',
    );
  }
  const current = selectEntries(
    'topics',
    name,
    await resourceConfig(admin, 'topics', name, false),
    false,
  );
  const overrides = new Map(current.map((e) => [e.configName, e.configValue ?? '']));
  const invalid = command.deleteConfigs.filter((key) => !overrides.has(key));
  if (invalid.length > 0) throw new InvalidConfigError(`Invalid config(s): ${invalid.join(',')}`);
  for (const [k, v] of added) overrides.set(k, v);
  for (const key of command.deleteConfigs) overrides.delete(key);
  await admin.alterConfigs({
    resources: [
      {
        type: CONFIG_RESOURCE_TOPIC,
        name,
        configEntries: [...overrides].map(([key, value]) => ({ name: key, value })),
      },
    ],
  });
  await output.stdout(`Completed updating config for topic ${name}.\n`);
}

/**
 * Connects, runs a validated command and disconnects; returns the exit code. `args` is the command line as typed, for the
 * message Kafka prints when an unexpected error stops the command.
 */
export async function runConfigCommand(
  command: ConfigCommand,
  admin: ConfigAdmin,
  output: ToolOutput,
  args: readonly string[],
): Promise<number> {
  try {
    await admin.connect();
    if (command.action === 'describe') await describe(command, admin, output);
    else await alter(command, admin, output);
    return 0;
  } catch (error) {
    const invalidRequest = error instanceof InvalidConfigError || error instanceof UsageError;
    if (!invalidRequest) {
      output.stderr(`Error while executing config command with args '${args.join(' ')}'\n`);
    }
    output.stderr(`${errorText(error)}\n`);
    return 1;
  } finally {
    await admin.disconnect();
  }
}
