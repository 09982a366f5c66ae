/**
 * `samsa console-consumer`: Kafka's kafka-console-consumer.sh without consumer groups — prints a
 * topic's records (ops/tools/console/console-consumer.ts).
 */
import type { CommandModule } from 'yargs';
import { loadProperties, quietClientLogs } from '../tools/console/command-line';
import { kafkaFlags, switchFlag, toolClient, valueFlag } from '../tools/console/client';
import {
  ConsoleConsumerFlags,
  parseConsoleConsumerCommand,
  runConsoleConsumer,
} from '../tools/console/console-consumer';
import { consumerSettings, toConsumerConfig } from '../tools/console/consumer-config';
import { processOutput } from '../tools/console/output';
import { PolledConsumer } from '../tools/console/polled-consumer';
import { topicPartitions } from '../tools/console/client';

export const consoleConsumerCommand: CommandModule<object, ConsoleConsumerFlags> = {
  command: 'console-consumer',
  describe: "Print a topic's records (kafka-console-consumer)",
  builder: (yargs) =>
    kafkaFlags(yargs).options({
      'bootstrap-server': valueFlag('REQUIRED: The server(s) to connect to (host:port[,...])'),
      topic: valueFlag('The topic id to consume on.'),
      partition: valueFlag(
        "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is specified.",
      ),
      offset: valueFlag(
        "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end",
      ),
      'from-beginning': switchFlag(
        'Start with the earliest message present in the log rather than the latest message.',
      ),
      'max-messages': valueFlag(
        'The maximum number of messages to consume before exiting. If not set, consumption is continual.',
      ),
      'timeout-ms': valueFlag(
        'If specified, exit if no message is available for consumption for the specified interval.',
      ),
      property: valueFlag(
        'Formatter properties: print.timestamp, print.key, print.offset, print.partition, print.headers, print.value (true|false), key.separator, line.separator, headers.separator, null.literal',
      ),
      'consumer-property': valueFlag(
        'A mechanism to pass user-defined properties in the form key=value to the consumer.',
      ),
      'consumer.config': valueFlag('Consumer config properties file.'),
      group: valueFlag('Not available yet: samsa has no consumer groups.'),
      whitelist: valueFlag('Not available yet: needs consumer groups.'),
    }),
  handler: async (flags) => {
    quietClientLogs();
    const output = processOutput();
    const command = parseConsoleConsumerCommand(flags);
    const props = new Map<string, string>();
    if (command.consumerConfigFile !== undefined) {
      for (const [k, v] of await loadProperties(command.consumerConfigFile)) props.set(k, v);
    }
    for (const [k, v] of command.consumerProperties) props.set(k, v);
    const settings = consumerSettings(props, (line) => output.stderr(`WARN ${line}\n`));
    const client = toolClient(command.bootstrapServer, settings.clientId ?? 'console-consumer');
    const consumer = client.consumer(toConsumerConfig(settings));
    const polled = new PolledConsumer(consumer);
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const partitions =
        command.partition !== undefined
          ? [command.partition]
          : await topicPartitions(client, command.topic);
      await consumer.connect();
      consumer.assign(
        partitions.map((partition) => ({
          topic: command.topic,
          partition,
          offset: command.start,
        })),
      );
      await polled.start();
      process.exitCode = await runConsoleConsumer(command, polled, output, stop.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await polled.stop();
      await consumer.disconnect();
    }
  },
};
