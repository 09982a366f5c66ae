/**
 * `samsa e2e-latency broker_list topic num_messages producer_acks message_size_bytes
 * [properties_file]`: Kafka's EndToEndLatency / kafka-e2e-latency.sh (ops/tools/perf).
 */
import type { CommandModule } from 'yargs';
import { loadProperties, quietClientLogs } from '../tools/console/command-line';
import { toolClient } from '../tools/console/client';
import { consumerSettings, toConsumerConfig } from '../tools/console/consumer-config';
import { processOutput } from '../tools/console/output';
import { PolledConsumer } from '../tools/console/polled-consumer';
import { producerSettings, toProducerConfig } from '../tools/console/producer-config';
import { parseE2eLatencyCommand, runE2eLatency } from '../tools/perf/e2e-latency';

interface E2eLatencyArgs {
  args: (string | number)[];
}

export const e2eLatencyCommand: CommandModule<object, E2eLatencyArgs> = {
  command: 'e2e-latency [args..]',
  describe:
    'Measure the time from send to receipt, one message at a time: broker_list topic num_messages producer_acks message_size_bytes [properties_file]',
  builder: (yargs) =>
    yargs.positional('args', {
      type: 'string',
      array: true,
      default: [],
      describe:
        'broker_list topic num_messages producer_acks(1|all) message_size_bytes [properties_file]',
    }),
  handler: async (argv) => {
    quietClientLogs();
    const output = processOutput();
    const command = parseE2eLatencyCommand(argv.args.map(String));
    const fileProps =
      command.propertiesFile === undefined
        ? new Map<string, string>()
        : await loadProperties(command.propertiesFile);
    // The properties file configures both clients: warn only about keys neither one knows.
    const producerUnknown = new Set<string>();
    const consumerUnknown = new Set<string>();
    const producerProps = producerSettings(fileProps, (line) => producerUnknown.add(line));
    const consumerProps = consumerSettings(fileProps, (line) => consumerUnknown.add(line));
    for (const line of producerUnknown) {
      if (consumerUnknown.has(line)) output.stderr(`WARN ${line}\n`);
    }
    const client = toolClient(command.brokerList, 'e2e-latency');
    const admin = client.admin();
    await admin.connect();
    let endOffsets: { partition: number; offset: number }[];
    try {
      if (!(await admin.listTopics()).includes(command.topic)) {
        await output.stdout(
          `Topic "${command.topic}" does not exist. Will create topic with 1 partition(s) and replication factor = 1\n`,
        );
        await admin.createTopics({
          topics: [{ topic: command.topic, numPartitions: 1, replicationFactor: 1 }],
        });
      }
      endOffsets = await admin.fetchTopicOffsets(command.topic);
    } finally {
      await admin.disconnect();
    }
    const producer = client.producer(
      toProducerConfig({
        ...producerProps,
        acks: command.acks,
        lingerMs: 0,
      }),
    );
    const consumer = client.consumer(toConsumerConfig({ ...consumerProps, maxWaitTimeInMs: 0 }));
    const polled = new PolledConsumer(consumer);
    try {
      await producer.connect();
      await consumer.connect();
      consumer.assign(
        endOffsets.map(({ partition, offset }) => ({ topic: command.topic, partition, offset })),
      );
      await polled.start();
      process.exitCode = await runE2eLatency(
        command,
        {
          sendAndWait: async (value) => {
            await producer.send({ topic: command.topic, messages: [{ value }] });
          },
          poll: (timeoutMs) => polled.poll(timeoutMs),
        },
        output,
      );
    } finally {
      await polled.stop();
      await consumer.disconnect();
      await producer.disconnect();
    }
  },
};
