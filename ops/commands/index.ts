/**
 * Every `samsa` subcommand, in the order `samsa --help` lists them: one module per tool under
 * ops/commands/, added here with one line.
 */
import type { CommandModule } from 'yargs';
import { zookeeperCommand } from './zookeeper';

// Each command parses its own arguments, so their argument types differ; yargs passes each handler
// the arguments its builder declared.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the line above
export type SamsaCommand = CommandModule<object, any>;

export const commands: SamsaCommand[] = [zookeeperCommand];
