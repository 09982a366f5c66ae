/**
 * Every `samsa` subcommand, in the order `samsa --help` lists them: one module per tool under
 * ops/commands/, added here with one line.
 */
import type { CommandModule } from 'yargs';
import { dumpLogCommand } from './dump-log';
import { serverStartCommand } from './server-start';
import { labCommand } from './lab';
import { zookeeperCommand } from './zookeeper';
import { zookeeperShellCommand } from './zookeeper-shell';
import { topicsCommand } from './topics';
import { consoleProducerCommand } from './console-producer';
import { consoleConsumerCommand } from './console-consumer';
import { consumerGroupsCommand } from './consumer-groups';
import { configsCommand } from './configs';
import { leaderElectionCommand } from './leader-election';
import { reassignPartitionsCommand } from './reassign-partitions';
import { producerPerfTestCommand } from './producer-perf-test';
import { consumerPerfTestCommand } from './consumer-perf-test';
import { e2eLatencyCommand } from './e2e-latency';

// Each command parses its own arguments, so their argument types differ; yargs passes each handler
// the arguments its builder declared.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the line above
export type SamsaCommand = CommandModule<object, any>;

export const commands: SamsaCommand[] = [
  serverStartCommand,
  topicsCommand,
  consoleProducerCommand,
  consoleConsumerCommand,
  consumerGroupsCommand,
  configsCommand,
  reassignPartitionsCommand,
  leaderElectionCommand,
  producerPerfTestCommand,
  consumerPerfTestCommand,
  e2eLatencyCommand,
  dumpLogCommand,
  zookeeperCommand,
  zookeeperShellCommand,
  labCommand,
];
