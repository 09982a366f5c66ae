/**
 * `samsa reassign-partitions` as a yargs command, run in-process: bad command lines fail with
 * Kafka's message before anything is contacted, and the throttle options samsa does not have are
 * unknown arguments.
 */
import yargs from 'yargs';
import { reassignPartitionsCommand } from '../../../../ops/commands/reassign-partitions';

async function parse(args: string[]) {
  return yargs().command(reassignPartitionsCommand).strict().fail(false).parseAsync(args);
}

it('reassign-partitions refuses a missing file and options an action does not take', async () => {
  await expect(
    parse(['reassign-partitions', '--bootstrap-server', 'localhost:1', '--verify']),
  ).rejects.toThrow('Missing required argument "[reassignment-json-file]"');
  await expect(
    parse(['reassign-partitions', '--bootstrap-server', 'localhost:1', '--list', '--additional']),
  ).rejects.toThrow('Option "[additional]" can\'t be used with action "[list]"');
});

it('reassign-partitions does not take the throttle options samsa does not have', async () => {
  await expect(
    parse([
      'reassign-partitions',
      '--bootstrap-server',
      'localhost:1',
      '--list',
      '--throttle',
      '100',
    ]),
  ).rejects.toThrow(/Unknown argument/);
});
