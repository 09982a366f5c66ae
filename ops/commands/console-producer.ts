/**
 * `samsa console-producer`: Kafka's kafka-console-producer.sh — standard input, one record per
 * line, to a topic (ops/tools/console/console-producer.ts).
 */
import readline from 'node:readline';
import type { CommandModule } from 'yargs';
import { quietClientLogs } from '../tools/console/command-line';
import { kafkaFlags, switchFlag, toolClient, valueFlag } from '../tools/console/client';
import {
  ConsoleProducerFlags,
  parseConsoleProducerCommand,
  runConsoleProducer,
} from '../tools/console/console-producer';
import { processOutput } from '../tools/console/output';
import { toProducerConfig } from '../tools/console/producer-config';

export const consoleProducerCommand: CommandModule<object, ConsoleProducerFlags> = {
  command: 'console-producer',
  describe: 'Read lines from standard input and send each as a record (kafka-console-producer)',
  builder: (yargs) =>
    kafkaFlags(yargs).options({
      'bootstrap-server': valueFlag('REQUIRED: The server(s) to connect to (host:port[,...])'),
      'broker-list': valueFlag('DEPRECATED, use --bootstrap-server instead'),
      topic: valueFlag('REQUIRED: The topic id to produce messages to.'),
      sync: switchFlag(
        'If set message send requests to the brokers are synchronously, one at a time as they arrive.',
      ),
      'compression-codec': {
        type: 'string',
        describe:
          "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'. If specified without value, then it defaults to 'gzip'",
      },
      'batch-size': valueFlag('Bytes per partition batch (batch.size, default 16384).'),
      'max-partition-memory-bytes': valueFlag('The same as --batch-size (batch.size).'),
      timeout: valueFlag(
        'The maximum amount of time a message will queue awaiting sufficient batch size, in ms (linger.ms, default 1000).',
      ),
      'request-required-acks': valueFlag('The required acks of the producer requests (default 1)'),
      'request-timeout-ms': valueFlag('The ack timeout of the producer requests (default 1500)'),
      'message-send-max-retries': valueFlag('Retries before the producer gives up (default 3)'),
      'retry-backoff-ms': valueFlag('The wait before a retry, in ms (default 100)'),
      'producer-property': valueFlag(
        'A mechanism to pass user-defined properties in the form key=value to the producer.',
      ),
      'producer.config': valueFlag(
        'Producer config properties file. Note that --producer-property takes precedence over this config.',
      ),
      property: valueFlag(
        'Properties of the line reader: parse.key=true|false, key.separator=<sep> (default TAB), ignore.error=true|false',
      ),
    }),
  handler: async (flags) => {
    quietClientLogs();
    const output = processOutput();
    const command = await parseConsoleProducerCommand(flags, (line) =>
      output.stderr(`WARN ${line}\n`),
    );
    const producer = toolClient(
      command.bootstrapServer,
      command.producer.clientId ?? 'console-producer',
    ).producer(toProducerConfig(command.producer));
    let lines: readline.Interface | undefined;
    try {
      await producer.connect();
      // Standard input is read from here on (nothing is read, so nothing lost, while connecting).
      lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
      process.exitCode = await runConsoleProducer(
        {
          topic: command.topic,
          sync: command.sync,
          reader: command.reader,
          prompt: process.stdin.isTTY === true,
        },
        producer,
        lines,
        output,
      );
    } finally {
      lines?.close();
      await producer.disconnect();
    }
  },
};
