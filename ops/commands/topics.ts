/**
 * `samsa topics`: Kafka's kafka-topics.sh (--create / --list / --describe / --alter / --delete)
 * over the admin client; the logic and output formats are in ops/tools/topics.
 */
import type { CommandModule } from 'yargs';
import { quietClientLogs } from '../tools/console/command-line';
import { kafkaFlags, switchFlag, toolClient, valueFlag } from '../tools/console/client';
import { processOutput } from '../tools/console/output';
import { runTopicCommand } from '../tools/topics/topic-command';
import { TopicCommandFlags, parseTopicCommand } from '../tools/topics/topic-options';

export const topicsCommand: CommandModule<object, TopicCommandFlags> = {
  command: 'topics',
  describe: 'Create, delete, describe, or change a topic (kafka-topics)',
  builder: (yargs) =>
    kafkaFlags(yargs).options({
      'bootstrap-server': valueFlag('REQUIRED: The Kafka server to connect to (host:port[,...])'),
      list: switchFlag('List all available topics.'),
      create: switchFlag('Create a new topic.'),
      delete: switchFlag('Delete a topic'),
      alter: switchFlag('Alter the number of partitions and replica assignment of the topic.'),
      describe: switchFlag('List details for the given topics.'),
      topic: valueFlag(
        'The topic to create, alter, describe or delete. It also accepts a regular expression, except for --create option.',
      ),
      partitions: valueFlag(
        'The number of partitions for the topic being created or altered. If not supplied for create, defaults to the cluster default.',
      ),
      'replication-factor': valueFlag(
        'The replication factor for each partition in the topic being created. If not supplied, defaults to the cluster default.',
      ),
      'replica-assignment': valueFlag(
        'A list of manual partition-to-broker assignments for the topic being created or altered: broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , broker_id_for_part2_replica1 : ...',
      ),
      config: valueFlag(
        'A topic configuration override (name=value) for the topic being created (repeat it for several).',
      ),
      'delete-config': valueFlag('Not supported with --bootstrap-server (use samsa configs).'),
      'under-replicated-partitions': switchFlag(
        'if set when describing topics, only show under replicated partitions',
      ),
      'unavailable-partitions': switchFlag(
        'if set when describing topics, only show partitions whose leader is not available',
      ),
      'under-min-isr-partitions': switchFlag(
        'if set when describing topics, only show partitions whose isr count is less than the configured minimum.',
      ),
      'at-min-isr-partitions': switchFlag(
        'if set when describing topics, only show partitions whose isr count is equal to the configured minimum.',
      ),
      'topics-with-overrides': switchFlag(
        'if set when describing topics, only show topics that have overridden configs',
      ),
      'if-exists': switchFlag(
        'if set when altering or deleting or describing topics, the action will only execute if the topic exists.',
      ),
      'if-not-exists': switchFlag(
        'if set when creating topics, the action will only execute if the topic does not already exist.',
      ),
      'exclude-internal': switchFlag(
        'exclude internal topics when running list or describe command. The internal topics will be listed by default',
      ),
      'disable-rack-aware': switchFlag(
        'Disable rack aware replica assignment (samsa has no racks)',
      ),
      force: switchFlag('Suppress console prompts (accepted, as in Kafka, and unused)'),
    }),
  handler: async (flags) => {
    quietClientLogs();
    const command = parseTopicCommand(flags);
    const admin = toolClient(command.bootstrapServer, 'samsa-topics').admin();
    process.exitCode = await runTopicCommand(command, admin, processOutput());
  },
};
