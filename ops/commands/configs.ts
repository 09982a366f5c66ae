/**
 * `samsa configs`: Kafka's kafka-configs.sh for topics and brokers (--describe [--all],
 * --alter --add-config / --delete-config) over the admin client; the logic and output formats
 * are in ops/tools/configs.
 */
import type { CommandModule } from 'yargs';
import { quietClientLogs } from '../tools/console/command-line';
import { kafkaFlags, switchFlag, toolClient, valueFlag } from '../tools/console/client';
import { processOutput } from '../tools/console/output';
import { runConfigCommand } from '../tools/configs/config-command';
import { ConfigCommandFlags, parseConfigCommand } from '../tools/configs/config-options';

export const configsCommand: CommandModule<object, ConfigCommandFlags> = {
  command: 'configs',
  describe: 'Describe or alter topic and broker configs (kafka-configs)',
  builder: (yargs) =>
    kafkaFlags(yargs).options({
      'bootstrap-server': valueFlag('The Kafka server to connect to (host:port[,...])'),
      describe: switchFlag('List configs for the given entity.'),
      alter: switchFlag('Alter the configuration for the entity.'),
      all: switchFlag(
        'List all configs for the given topic or broker entity (includes static configuration when the entity type is brokers)',
      ),
      'entity-type': valueFlag('Type of entity (topics/brokers)'),
      'entity-name': valueFlag('Name of entity (topic name/broker id)'),
      'entity-default': switchFlag('Default entity name for brokers'),
      topic: valueFlag("The topic's name."),
      broker: valueFlag("The broker's ID."),
      'broker-defaults': switchFlag('The config defaults for all brokers.'),
      'add-config': valueFlag(
        "Key Value pairs of configs to add. Square brackets can be used to group values which contain commas: 'k1=v1,k2=[v1,v2,v2],k3=v3'.",
      ),
      'add-config-file': valueFlag(
        'Path to a properties file with configs to add. See add-config for a list of valid configurations.',
      ),
      'delete-config': valueFlag("config keys to remove 'k1,k2'"),
      force: switchFlag('Suppress console prompts (accepted, as in Kafka, and unused)'),
    }),
  handler: async (flags) => {
    quietClientLogs();
    const command = parseConfigCommand(flags);
    const admin = toolClient(command.bootstrapServer, 'samsa-configs').admin();
    process.exitCode = await runConfigCommand(
      command,
      admin,
      processOutput(),
      process.argv.slice(3),
    );
  },
};
