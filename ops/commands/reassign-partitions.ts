/**
 * `samsa reassign-partitions`: Kafka's kafka-reassign-partitions.sh (--generate, --execute,
 * --verify, --cancel, --list) over the admin client; the logic, JSON formats and output are in
 * ops/tools/reassign-partitions.
 */
import type { CommandModule } from 'yargs';
import { quietClientLogs } from '../tools/console/command-line';
import { kafkaFlags, switchFlag, toolClient, valueFlag } from '../tools/console/client';
import { processOutput } from '../tools/console/output';
import { runReassignCommand } from '../tools/reassign-partitions/reassign-command';
import { ReassignFlags, parseReassignCommand } from '../tools/reassign-partitions/reassign-options';

export const reassignPartitionsCommand: CommandModule<object, ReassignFlags> = {
  command: 'reassign-partitions',
  describe: 'Move topic partitions between replicas (kafka-reassign-partitions)',
  builder: (yargs) =>
    kafkaFlags(yargs).options({
      'bootstrap-server': valueFlag('the server(s) to use for bootstrapping. REQUIRED'),
      generate: switchFlag(
        'Generate a candidate partition reassignment configuration. Note that this only generates a candidate assignment, it does not execute it.',
      ),
      execute: switchFlag(
        'Kick off the reassignment as specified by the --reassignment-json-file option.',
      ),
      verify: switchFlag(
        'Verify if the reassignment completed as specified by the --reassignment-json-file option.',
      ),
      cancel: switchFlag(
        'Cancel an active reassignment as specified by the --reassignment-json-file option.',
      ),
      list: switchFlag('List all active partition reassignments.'),
      'reassignment-json-file': valueFlag(
        'The JSON file with the partition reassignment configuration. The format to use is - {"partitions": [{"topic": "foo", "partition": 1, "replicas": [1,2,3], "log_dirs": ["dir1","dir2","dir3"] }], "version":1} Note that "log_dirs" is optional. When it is specified, its length must equal the length of the replicas list (samsa accepts only "any").',
      ),
      'topics-to-move-json-file': valueFlag(
        'Generate a reassignment configuration to move the partitions of the specified topics to the list of brokers specified by the --broker-list option. The format to use is - {"topics": [{"topic": "foo"},{"topic": "foo1"}], "version":1}',
      ),
      'broker-list': valueFlag(
        'The list of brokers to which the partitions need to be reassigned in the form "0,1,2". This is required if --topics-to-move-json-file is used to generate reassignment configuration',
      ),
      'disable-rack-aware': switchFlag(
        'Disable rack aware replica assignment (samsa brokers have no racks)',
      ),
      additional: switchFlag(
        'Execute this reassignment in addition to any other ongoing ones. This option can also be used to change the throttle of an ongoing reassignment.',
      ),
    }),
  handler: async (flags) => {
    quietClientLogs();
    const command = parseReassignCommand(flags);
    const admin = toolClient(command.bootstrapServer, 'reassign-partitions-tool').admin();
    process.exitCode = await runReassignCommand(command, admin, processOutput());
  },
};
