/**
 * `samsa consumer-groups`: Kafka's kafka-consumer-groups.sh (--list / --describe / --delete /
 * --reset-offsets) over samsa's group admin; the logic and output formats are in
 * ops/tools/consumer-groups.
 */
import type { CommandModule } from 'yargs';
import { quietClientLogs } from '../tools/console/command-line';
import { kafkaFlags, switchFlag, valueFlag } from '../tools/console/client';
import { processOutput } from '../tools/console/output';
import { ClusterGroupAdmin } from '../tools/consumer-groups/group-client';
import { runConsumerGroupCommand } from '../tools/consumer-groups/group-command';
import {
  ConsumerGroupFlags,
  parseConsumerGroupCommand,
} from '../tools/consumer-groups/group-options';

export const consumerGroupsCommand: CommandModule<object, ConsumerGroupFlags> = {
  command: 'consumer-groups',
  describe:
    'List all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets (kafka-consumer-groups)',
  builder: (yargs) =>
    kafkaFlags(yargs).options({
      'bootstrap-server': valueFlag('REQUIRED: The server(s) to connect to.'),
      group: valueFlag('The consumer group we wish to act on.'),
      topic: valueFlag(
        'The topic whose consumer group information should be included in the reset offset process. Partitions can be specified using this format: `topic1:0,1,2`, where 0,1,2 are the partitions to be included in the process. Reset-offsets also supports multiple topic inputs.',
      ),
      'all-topics': switchFlag(
        'Consider all topics assigned to a group in the `reset-offsets` process.',
      ),
      list: switchFlag('List all consumer groups.'),
      describe: switchFlag(
        'Describe consumer group and list offset lag (number of messages not yet processed) related to given group.',
      ),
      'all-groups': switchFlag('Apply to all consumer groups.'),
      delete: switchFlag(
        'Pass in groups to delete topic partition offsets and ownership information over the entire consumer group. For instance --group g1 --group g2',
      ),
      timeout: valueFlag(
        'The timeout (ms) of each request to the cluster, for example while describing a group that is just being created or rebalanced. Default: 5000.',
      ),
      'reset-offsets': switchFlag(
        'Reset offsets of consumer group. Supports one consumer group at the time, and instances should be inactive. Has 2 execution options: --dry-run (the default) to plan which offsets to reset, and --execute to update the offsets. Additionally, the --export option is used to export the results to a CSV format. You must choose one of the following reset specifications: --to-datetime, --by-duration, --to-earliest, --to-latest, --shift-by, --from-file, --to-current, --to-offset. To define the scope use --all-topics or --topic. One scope must be specified unless you use --from-file.',
      ),
      'dry-run': switchFlag(
        'Only show results without executing changes on Consumer Groups. Supported operations: reset-offsets.',
      ),
      execute: switchFlag('Execute operation. Supported operations: reset-offsets.'),
      export: switchFlag(
        'Export operation execution to a CSV file. Supported operations: reset-offsets.',
      ),
      'to-offset': valueFlag('Reset offsets to a specific offset.'),
      'from-file': valueFlag('Reset offsets to values defined in CSV file.'),
      'to-datetime': valueFlag(
        "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDTHH:mm:SS.sss'",
      ),
      'by-duration': valueFlag(
        "Reset offsets to offset by duration from current timestamp. Format: 'PnDTnHnMnS'",
      ),
      'to-earliest': switchFlag('Reset offsets to earliest offset.'),
      'to-latest': switchFlag('Reset offsets to latest offset.'),
      'to-current': switchFlag('Reset offsets to current offset.'),
      'shift-by': valueFlag(
        "Reset offsets shifting current offset by 'n', where 'n' can be positive or negative.",
      ),
      members: switchFlag(
        "Describe members of the group. This option may be used with '--describe' and '--bootstrap-server' options only.",
      ),
      verbose: switchFlag(
        "Provide additional information, if any, when describing the group. This option may be used with '--offsets'/'--members'/'--state' and '--bootstrap-server' options only.",
      ),
      offsets: switchFlag(
        "Describe the group and list all topic partitions in the group along with their offset lag. This is the default sub-action of and may be used with '--describe' and '--bootstrap-server' options only.",
      ),
      state: {
        type: 'string',
        describe:
          "When specified with '--describe', includes the state of the group. When specified with '--list', it displays the state of all groups. It can also be used to list groups with specific states (--list --state stable,empty).",
      },
    }),
  handler: async (flags) => {
    quietClientLogs();
    const parsed = parseConsumerGroupCommand(flags);
    const admin = new ClusterGroupAdmin({
      bootstrapServer: parsed.command.bootstrapServer,
      clientId: 'samsa-consumer-groups',
      requestTimeout: parsed.command.timeoutMs,
    });
    process.exitCode = await runConsumerGroupCommand(parsed, admin, processOutput());
  },
};
