/**
 * `samsa leader-election` as a yargs command, run in-process: the flags reach the tool with
 * Kafka's spelling, and bad command lines fail with Kafka's message before anything is contacted.
 */
import yargs from 'yargs';
import { leaderElectionCommand } from '../../../../ops/commands/leader-election';

async function parse(args: string[]) {
  return yargs().command(leaderElectionCommand).strict().fail(false).parseAsync(args);
}

it('leader-election refuses a command line without a partition choice', async () => {
  await expect(
    parse(['leader-election', '--bootstrap-server', 'localhost:1', '--election-type', 'preferred']),
  ).rejects.toThrow(
    'One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file',
  );
});

it('leader-election refuses an unknown election type', async () => {
  await expect(
    parse([
      'leader-election',
      '--bootstrap-server',
      'localhost:1',
      '--election-type',
      'random',
      '--all-topic-partitions',
    ]),
  ).rejects.toThrow("Cannot parse argument 'random' of option election-type");
});
