/**
 * `samsa producer-perf-test`: Kafka's kafka-producer-perf-test.sh (ops/tools/perf). Producer
 * settings as Kafka 2.8's defaults (acks=1, linger.ms=0, batch.size=16384) unless
 * --producer-props / --producer.config say otherwise.
 */
import type { CommandModule } from 'yargs';
import {
  UsageError,
  loadProperties,
  parseKeyValueArgs,
  quietClientLogs,
} from '../tools/console/command-line';
import { kafkaFlags, toolClient, valueFlag, valuesFlag } from '../tools/console/client';
import { processOutput } from '../tools/console/output';
import { producerSettings, toProducerConfig } from '../tools/console/producer-config';
import {
  ProducerPerfFlags,
  parseProducerPerfCommand,
  randomPayload,
  readPayloads,
  runProducerPerf,
} from '../tools/perf/producer-perf-test';

export const producerPerfTestCommand: CommandModule<object, ProducerPerfFlags> = {
  command: 'producer-perf-test',
  describe: 'Measure producer throughput and latency (kafka-producer-perf-test)',
  builder: (yargs) =>
    kafkaFlags(yargs).options({
      topic: valueFlag('produce messages to this topic'),
      'num-records': valueFlag('number of messages to produce'),
      'record-size': valueFlag(
        'message size in bytes. Note that you must provide exactly one of --record-size or --payload-file.',
      ),
      'payload-file': valueFlag(
        'file to read the message payloads from (UTF-8 text, split at --payload-delimiter)',
      ),
      'payload-delimiter': valueFlag(
        'delimiter between payloads in --payload-file (default: a line break)',
      ),
      throughput: valueFlag(
        'throttle maximum message throughput to *approximately* THROUGHPUT messages/sec. Set this to -1 to disable throttling.',
      ),
      'producer-props': valuesFlag(
        'kafka producer related configuration properties like bootstrap.servers,client.id etc. These configs take precedence over those passed via --producer.config.',
      ),
      'producer.config': valueFlag('producer config properties file.'),
      'bootstrap-server': valueFlag(
        'the brokers (host:port[,...]), instead of bootstrap.servers in --producer-props',
      ),
    }),
  handler: async (flags) => {
    quietClientLogs();
    const output = processOutput();
    const command = parseProducerPerfCommand(flags);
    const props = new Map<string, string>();
    if (command.producerConfig !== undefined) {
      for (const [k, v] of await loadProperties(command.producerConfig)) props.set(k, v);
    }
    for (const [k, v] of parseKeyValueArgs(command.producerProps)) props.set(k, v);
    const settings = producerSettings(props, (line) => output.stderr(`WARN ${line}\n`));
    const bootstrap = command.bootstrapServer ?? settings.bootstrapServers;
    if (bootstrap === undefined) {
      throw new UsageError(
        'no brokers: give --bootstrap-server or bootstrap.servers in --producer-props / --producer.config',
      );
    }
    const payloads =
      command.recordSize !== undefined
        ? [randomPayload(command.recordSize)]
        : await readPayloads(command.payloadFile as string, command.payloadDelimiter, output);
    const producer = toolClient(bootstrap, settings.clientId ?? 'perf-producer-client').producer(
      toProducerConfig({ acks: 1, ...settings }),
    );
    try {
      await producer.connect();
      process.exitCode = await runProducerPerf(command, payloads, producer, output);
    } finally {
      await producer.disconnect();
    }
  },
};
