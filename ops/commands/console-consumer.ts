/**
 * `samsa console-consumer`: Kafka's kafka-console-consumer.sh — prints a topic's records, reading
 * one partition by itself (`--partition`) or as a member of a consumer group
 * (ops/tools/console/console-consumer.ts).
 */
import type { CommandModule } from 'yargs';
import { loadProperties, quietClientLogs, single } from '../tools/console/command-line';
import { kafkaFlags, switchFlag, toolClient, valueFlag } from '../tools/console/client';
import {
  ConsoleConsumerFlags,
  consoleConsumerConfig,
  parseConsoleConsumerCommand,
  runConsoleConsumer,
  startConsuming,
} from '../tools/console/console-consumer';
import { consumerSettings } from '../tools/console/consumer-config';
import { processOutput } from '../tools/console/output';
import { PolledConsumer } from '../tools/console/polled-consumer';

export const consoleConsumerCommand: CommandModule<object, ConsoleConsumerFlags> = {
  command: 'console-consumer',
  describe: "Print a topic's records (kafka-console-consumer)",
  builder: (yargs) =>
    kafkaFlags(yargs).options({
      'bootstrap-server': valueFlag('REQUIRED: The server(s) to connect to (host:port[,...])'),
      topic: valueFlag('The topic id to consume on.'),
      whitelist: valueFlag(
        'Regular expression specifying whitelist of topics to include for consumption.',
      ),
      partition: valueFlag(
        "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is specified.",
      ),
      offset: valueFlag(
        "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end",
      ),
      'from-beginning': switchFlag(
        'If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message.',
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
      group: valueFlag('The consumer group id of the consumer.'),
    }),
  handler: async (flags) => {
    quietClientLogs();
    const output = processOutput();
    const file = single(flags['consumer.config']);
    const command = parseConsoleConsumerCommand(
      flags,
      file === undefined ? new Map() : await loadProperties(file),
    );
    const settings = consumerSettings(command.consumerProperties, (line) =>
      output.stderr(`WARN ${line}\n`),
    );
    const client = toolClient(command.bootstrapServer, settings.clientId ?? 'console-consumer');
    const consumer = client.consumer(consoleConsumerConfig(command.mode, settings));
    const polled = new PolledConsumer(consumer, 0, 'as-used');
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await startConsuming(consumer, command.mode);
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
