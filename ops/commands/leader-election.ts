/**
 * `samsa leader-election`: Kafka's kafka-leader-election.sh (preferred or unclean elections
 * through the controller); the logic and output are in ops/tools/leader-election.
 */
import type { CommandModule } from 'yargs';
import { quietClientLogs } from '../tools/console/command-line';
import { kafkaFlags, switchFlag, toolClient, valueFlag } from '../tools/console/client';
import { processOutput } from '../tools/console/output';
import { runLeaderElection } from '../tools/leader-election/leader-election-command';
import {
  LeaderElectionFlags,
  parseLeaderElectionCommand,
} from '../tools/leader-election/leader-election-options';

export const leaderElectionCommand: CommandModule<object, LeaderElectionFlags> = {
  command: 'leader-election',
  describe:
    'Elect a new leader for a set of topic partitions: preferred replicas or unclean replicas (kafka-leader-election)',
  builder: (yargs) =>
    kafkaFlags(yargs).options({
      'bootstrap-server': valueFlag(
        'A hostname and port for the broker to connect to, in the form host:port. Multiple comma separated URLs can be given. REQUIRED.',
      ),
      'election-type': valueFlag(
        'Type of election to attempt. Possible values are "preferred" for preferred leader election or "unclean" for unclean leader election. If preferred election is selection, the election is only performed if the current leader is not the preferred leader for the topic partition. If unclean election is selected, the election is only performed if there are no leader for the topic partition. REQUIRED.',
      ),
      topic: valueFlag(
        'Name of topic for which to perform an election. Not allowed if --path-to-json-file or --all-topic-partitions is specified.',
      ),
      partition: valueFlag(
        'Partition id for which to perform an election. REQUIRED if --topic is specified.',
      ),
      'all-topic-partitions': switchFlag(
        'Perform election on all of the eligible topic partitions based on the type of election (see the --election-type flag). Not allowed if --topic or --path-to-json-file is specified.',
      ),
      'path-to-json-file': valueFlag(
        'The JSON file with the list of partition for which leader elections should be performed. This is an example format. {"partitions": [{"topic": "foo", "partition": 1}, {"topic": "foobar", "partition": 2}]} Not allowed if --all-topic-partitions or --topic flags are specified.',
      ),
    }),
  handler: async (flags) => {
    quietClientLogs();
    const command = parseLeaderElectionCommand(flags);
    const admin = toolClient(command.bootstrapServer, 'samsa-leader-election').admin();
    await runLeaderElection(command, admin, processOutput());
  },
};
