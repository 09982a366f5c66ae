/**
 * The command line of `samsa configs` (Kafka 2.8's ConfigCommandOptions, `--bootstrap-server`
 * mode) for the two entity types samsa has configs for: `topics` and `brokers`.
 *
 * Entities are named with `--entity-type topics|brokers` plus `--entity-name X` (or
 * `--entity-default` for the cluster-wide broker default), or with the shorthands `--topic X`,
 * `--broker X`, `--broker-defaults`. The checks and their messages are Kafka's; `users`,
 * `clients`, `ips` and `broker-loggers` (quotas, SCRAM credentials, log levels) do not exist in
 * samsa and are refused by name. `--zookeeper` is not supported (deprecated in Kafka 2.8).
 *
 * `--add-config k1=v1,k2=[a,b]` is split as Kafka splits it: at commas outside square brackets,
 * then at the first `=`; brackets group list values and are dropped.
 */
import { has, UsageError, checkInvalid, single, values } from '../console/command-line';

export interface ConfigCommandFlags {
  'bootstrap-server'?: string | string[];
  describe?: boolean;
  alter?: boolean;
  all?: boolean;
  'entity-type'?: string | string[];
  'entity-name'?: string | string[];
  'entity-default'?: boolean;
  topic?: string | string[];
  broker?: string | string[];
  'broker-defaults'?: boolean;
  'add-config'?: string | string[];
  'add-config-file'?: string | string[];
  'delete-config'?: string | string[];
  force?: boolean;
}

export type EntityType = 'topics' | 'brokers';

export interface ConfigCommand {
  action: 'describe' | 'alter';
  bootstrapServer: string;
  entityType: EntityType;
  /** The entity's name; '' for the broker default; undefined = every entity (describe only). */
  entityName: string | undefined;
  describeAll: boolean;
  /** The raw --add-config text (parsed by parseConfigsToBeAdded). */
  addConfig?: string;
  addConfigFile?: string;
  deleteConfigs: string[];
}

const SUPPORTED: EntityType[] = ['topics', 'brokers'];

function isEntityType(value: string): value is EntityType {
  return (SUPPORTED as string[]).includes(value);
}

/** Kafka's ConfigCommandOptions.checkArgs for topics and brokers; throws UsageError. */
export function parseConfigCommand(flags: ConfigCommandFlags): ConfigCommand {
  const f = flags as Readonly<Record<string, unknown>>;
  const actions = (['alter', 'describe'] as const).filter((a) => has(f[a]));
  if (actions.length !== 1) {
    throw new UsageError('Command must include exactly one action: --describe, --alter');
  }
  checkInvalid(f, 'alter', ['describe']);
  checkInvalid(f, 'describe', ['alter', 'add-config', 'delete-config']);

  const shorthandTypes: string[] = [];
  const shorthandNames: string[] = [];
  for (const name of values(flags.topic)) {
    shorthandTypes.push('topics');
    shorthandNames.push(name);
  }
  for (const name of values(flags.broker)) {
    shorthandTypes.push('brokers');
    shorthandNames.push(name);
  }
  if (has(flags['broker-defaults'])) {
    shorthandTypes.push('brokers');
    shorthandNames.push('');
  }
  const types = [...values(flags['entity-type']), ...shorthandTypes];
  const names = [
    ...values(flags['entity-name']),
    ...(has(flags['entity-default']) ? [''] : []),
    ...shorthandNames,
  ];

  const duplicates = types.filter((t, i) => types.indexOf(t) !== i);
  if (duplicates.length > 0) {
    throw new UsageError(
      `Duplicate entity type(s) specified: ${[...new Set(duplicates)].join(',')}`,
    );
  }
  for (const type of types) {
    if (!isEntityType(type)) {
      throw new UsageError(
        `Invalid entity type ${type}, the entity type must be one of ${SUPPORTED.join(',')} with the --bootstrap-server argument`,
      );
    }
  }
  if (types.length === 0) throw new UsageError('At least one entity type must be specified');
  if (types.length > 1) {
    throw new UsageError("Only 'users' and 'clients' entity types may be specified together");
  }
  const usesGeneric = has(f['entity-name']) || has(f['entity-type']) || has(f['entity-default']);
  if (usesGeneric && shorthandTypes.length > 0) {
    throw new UsageError(
      '--entity-{type,name,default} should not be used in conjunction with specific entity flags',
    );
  }
  if (!has(f['bootstrap-server'])) {
    throw new UsageError(
      'One of the required --bootstrap-server or --zookeeper arguments must be specified',
    );
  }
  const entityType = types[0] as EntityType;
  const hasEntityName = names.some((n) => n !== '');
  const hasEntityDefault = names.some((n) => n === '');
  if (hasEntityName && entityType === 'brokers') {
    for (const name of names.filter((n) => n !== '')) {
      if (!/^[+-]?\d+$/.test(name.trim())) {
        throw new UsageError(
          `The entity name for brokers must be a valid integer broker id, but it is: ${name}`,
        );
      }
    }
  }
  if (hasEntityDefault && entityType === 'topics') {
    throw new UsageError('--entity-default is only valid for brokers');
  }
  const action = actions[0];
  if (action === 'alter') {
    if (entityType === 'brokers') {
      if (!hasEntityName && !hasEntityDefault) {
        throw new UsageError(
          'an entity-name or default entity must be specified with --alter of users, clients, brokers or ips',
        );
      }
    } else if (!hasEntityName) {
      throw new UsageError(`an entity name must be specified with --alter of ${types.join(',')}`);
    }
    const addConfig = has(f['add-config']);
    const addConfigFile = has(f['add-config-file']);
    if (addConfig && addConfigFile) {
      throw new UsageError('Only one of --add-config or --add-config-file must be specified');
    }
    if (!addConfig && !addConfigFile && !has(f['delete-config'])) {
      throw new UsageError(
        'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter',
      );
    }
    if (names.length !== types.length) {
      throw new UsageError('An entity name must be specified for every entity type');
    }
  }
  return {
    action,
    bootstrapServer: single(flags['bootstrap-server']) as string,
    entityType,
    entityName: names[0],
    describeAll: has(f.all),
    addConfig: single(flags['add-config']),
    addConfigFile: single(flags['add-config-file']),
    deleteConfigs: values(flags['delete-config'])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim()),
  };
}

/** Splits `--add-config` into keys and values (Kafka's parseConfigsToBeAdded). */
export function parseConfigsToBeAdded(text: string): Map<string, string> {
  const outsideBrackets = '(?=[^\\]]*(?:\\[|$))';
  const entries = text.split(new RegExp(`,${outsideBrackets}`));
  // Java's String.split drops trailing empty strings.
  while (entries.length > 0 && entries[entries.length - 1] === '') entries.pop();
  const pairs = entries.map((pair) => pair.split(new RegExp(`\\s*=\\s*${outsideBrackets}`)));
  if (!pairs.every((pair) => pair.length === 2)) {
    throw new UsageError(
      'Invalid entity config: all configs to be added must be in the format "key=val".',
    );
  }
  const result = new Map<string, string>();
  for (const [key, value] of pairs) result.set(key.trim(), value.replace(/[[\]]/g, '').trim());
  return result;
}
