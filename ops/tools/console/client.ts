/**
 * The samsa client a tool talks to the cluster with, from `--bootstrap-server host:port[,...]`
 * (Kafka's ToolsUtils.validatePortOrDie message for a malformed list), and the yargs option
 * shapes the tools declare their Kafka-style flags with (strings, parsed by the tools themselves
 * so their errors carry Kafka's wording; no camelCase aliases, no dot-notation, so
 * `--producer.config` stays one flag).
 */
import type { Argv, Options } from 'yargs';
import { Samsa, SamsaConfig } from '../../../client';
import { UsageError } from './command-line';

/** `host1:9092,host2:9092` → its entries, checked. */
export function bootstrapList(text: string): string[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const valid = entries.every((entry) => {
    const colon = entry.lastIndexOf(':');
    const port = Number(entry.slice(colon + 1));
    return colon > 0 && /^\d+$/.test(entry.slice(colon + 1)) && port > 0 && port < 65536;
  });
  if (entries.length === 0 || !valid) {
    throw new UsageError('Please provide valid host:port like host1:9091,host2:9092');
  }
  return entries;
}

/** A client for one tool run. */
export function toolClient(
  bootstrapServer: string,
  clientId: string,
  config: Omit<SamsaConfig, 'brokers' | 'clientId'> = {},
): Samsa {
  return new Samsa({ ...config, clientId, brokers: bootstrapList(bootstrapServer) });
}

/** The partition numbers of a topic, from the cluster's metadata. */
export async function topicPartitions(client: Samsa, topic: string): Promise<number[]> {
  const admin = client.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return (metadata.topics[0]?.partitions ?? []).map((p) => p.partitionId);
  } finally {
    await admin.disconnect();
  }
}

/** A flag that takes a value (kept as text; repeated flags give a list). */
export function valueFlag(describe: string): Options & { type: 'string' } {
  return { type: 'string', requiresArg: true, describe };
}

/** A flag that takes one or more values (`--producer-props a=1 b=2`). */
export function valuesFlag(describe: string): Options & { type: 'string'; array: true } {
  return { type: 'string', array: true, requiresArg: true, describe };
}

/** A flag without a value. */
export function switchFlag(describe: string): Options & { type: 'boolean' } {
  return { type: 'boolean', describe };
}

/** Kafka's flag spelling: `--replication-factor`, `--producer.config` exactly as typed. */
export function kafkaFlags<T>(yargs: Argv<T>): Argv<T> {
  return yargs.parserConfiguration({
    'camel-case-expansion': false,
    'dot-notation': false,
    'boolean-negation': false,
  });
}
