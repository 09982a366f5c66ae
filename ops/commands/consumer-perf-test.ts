/**
 * `samsa consumer-perf-test`: Kafka's kafka-consumer-perf-test.sh (ops/tools/perf), reading every
 * partition of the topic without a consumer group.
 */
import type { CommandModule } from 'yargs';
import { loadProperties, quietClientLogs } from '../tools/console/command-line';
import {
  kafkaFlags,
  switchFlag,
  toolClient,
  topicPartitions,
  valueFlag,
} from '../tools/console/client';
import { consumerSettings, toConsumerConfig } from '../tools/console/consumer-config';
import { processOutput } from '../tools/console/output';
import { PolledConsumer } from '../tools/console/polled-consumer';
import {
  ConsumerPerfFlags,
  parseConsumerPerfCommand,
  runConsumerPerf,
} from '../tools/perf/consumer-perf-test';

/** Records the test may have fetched ahead of its counting. */
const READ_AHEAD = 100000;

export const consumerPerfTestCommand: CommandModule<object, ConsumerPerfFlags> = {
  command: 'consumer-perf-test',
  describe: 'Measure consumer throughput (kafka-consumer-perf-test)',
  builder: (yargs) =>
    kafkaFlags(yargs).options({
      'bootstrap-server': valueFlag(
        'REQUIRED unless --broker-list(deprecated) is specified. The server(s) to connect to.',
      ),
      'broker-list': valueFlag('DEPRECATED, use --bootstrap-server instead'),
      topic: valueFlag('REQUIRED: The topic to consume from.'),
      messages: valueFlag('REQUIRED: The number of messages to send or consume'),
      'fetch-size': valueFlag(
        'The amount of data to fetch in a single request, per partition (default 1048576).',
      ),
      'from-latest': switchFlag(
        'Start with the latest message present in the log rather than the earliest message.',
      ),
      timeout: valueFlag(
        'The maximum allowed time in milliseconds between returned records (default 10000).',
      ),
      'reporting-interval': valueFlag(
        'Interval in milliseconds at which to print progress info (default 5000).',
      ),
      'show-detailed-stats': switchFlag(
        'If set, stats are reported for each reporting interval as configured by reporting-interval',
      ),
      'date-format': valueFlag(
        'The date format to use for formatting the time field (default yyyy-MM-dd HH:mm:ss:SSS).',
      ),
      'hide-header': switchFlag('If set, skips printing the header for the stats'),
      'consumer.config': valueFlag('Consumer config properties file.'),
      group: valueFlag('Not available yet: samsa has no consumer groups.'),
    }),
  handler: async (flags) => {
    quietClientLogs();
    const output = processOutput();
    const command = parseConsumerPerfCommand(flags);
    const props = new Map<string, string>();
    if (command.consumerConfigFile !== undefined) {
      for (const [k, v] of await loadProperties(command.consumerConfigFile)) props.set(k, v);
    }
    const settings = consumerSettings(props, (line) => output.stderr(`WARN ${line}\n`));
    const client = toolClient(command.bootstrapServer, settings.clientId ?? 'perf-consumer-client');
    const partitions = await topicPartitions(client, command.topic);
    const consumer = client.consumer(
      toConsumerConfig({ ...settings, maxBytesPerPartition: command.fetchSize }),
    );
    const polled = new PolledConsumer(consumer, READ_AHEAD);
    try {
      await consumer.connect();
      consumer.assign(
        partitions.map((partition) => ({ topic: command.topic, partition })),
        { fromBeginning: !command.fromLatest },
      );
      await polled.start();
      process.exitCode = await runConsumerPerf(command, polled, output);
    } finally {
      await polled.stop();
      await consumer.disconnect();
    }
  },
};
