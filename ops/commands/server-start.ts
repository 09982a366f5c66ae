/**
 * `samsa server-start server.properties [--override property=value]*`: runs one broker in the
 * foreground, as Kafka's `kafka-server-start.sh` does.
 *
 * - Without a properties file it prints Kafka's usage line and exits 1.
 * - A bad value, a missing required key or an unreadable file: one line `ERROR <message>` naming
 *   the key, exit 1. Unknown keys are warnings (Kafka's wording) and the broker starts.
 * - A failed startup (ZooKeeper unreachable, broker.id already registered by a live broker,
 *   meta.properties of another cluster, a port in use, ...): one line
 *   `ERROR [KafkaServer id=N] Fatal error during KafkaServer startup: <message>`, exit 1.
 * - SIGTERM or SIGINT: controlled shutdown, then a clean stop; exit 0. A second signal while
 *   shutting down is ignored (SIGKILL stops it at once, uncleanly).
 * - A fatal error while running (the broker id lost to another broker after a ZooKeeper session
 *   expiry): shutdown, exit 1.
 * Log lines go to stderr (SAMSA_LOG_LEVEL sets the level, default info).
 */
import type { CommandModule } from 'yargs';
import { logger } from '../../client/logging';
import { ConfigError } from '../../broker/config/config-error';
import type { KafkaConfig } from '../../broker/config/kafka-config';
import { loadServerConfig } from '../../broker/config/load-server-config';
import { KafkaServer, StartupAbortedError } from '../../broker/server/kafka-server';

export const SERVER_START_USAGE =
  'USAGE: samsa server-start server.properties [--override property=value]*';

interface ServerStartArgs {
  config?: string;
  override?: string[];
}

/** Longest wait for the event loop to drain after a stop before exiting anyway. */
const EXIT_GRACE_MS = 3000;

function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

function messageOf(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error));
}

/** Ends the process with `code` once pending output is written (forced after a grace period). */
function exitWith(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}

async function runBroker(config: KafkaConfig): Promise<void> {
  const configLog = logger('KafkaConfig');
  for (const warning of config.warnings) configLog.warn(warning);

  let exiting = false;
  const kafka = new KafkaServer(config, {
    onFatal: (error) => {
      process.stderr.write(`ERROR [KafkaServer id=${kafka.brokerId}] ${messageOf(error)}\n`);
      stop(1, 'a fatal error');
    },
  });
  function stop(code: number, why: string): void {
    const log = logger(`KafkaServer id=${kafka.brokerId}`);
    if (exiting) {
      log.info(`Ignoring ${why}: already shutting down`);
      return;
    }
    exiting = true;
    log.info(`Shutting down on ${why}`);
    kafka.shutdown().then(
      () => exitWith(code),
      (error: unknown) => {
        process.stderr.write(
          `ERROR [KafkaServer id=${kafka.brokerId}] Error during shutdown: ${messageOf(error)}\n`,
        );
        exitWith(1);
      },
    );
  }
  process.on('SIGTERM', () => stop(0, 'SIGTERM'));
  process.on('SIGINT', () => stop(0, 'SIGINT'));

  try {
    await kafka.startup();
  } catch (error) {
    if (error instanceof StartupAbortedError && exiting) return;
    process.stderr.write(
      `ERROR [KafkaServer id=${kafka.brokerId}] Fatal error during KafkaServer startup: ` +
        `${messageOf(error)}\n`,
    );
    exiting = true;
    exitWith(1);
  }
}

export const serverStartCommand: CommandModule<object, ServerStartArgs> = {
  command: 'server-start [config]',
  describe: 'Start a broker with a server.properties file (Kafka: kafka-server-start.sh)',
  builder: (yargs) =>
    yargs
      .usage(SERVER_START_USAGE)
      .positional('config', { type: 'string', describe: 'the server.properties file' })
      .option('override', {
        type: 'string',
        array: true,
        nargs: 1,
        describe: 'property=value replacing the one in the file (repeatable)',
      }),
  handler: async (args) => {
    if (args.config === undefined || args.config === '') {
      process.stderr.write(`${SERVER_START_USAGE}\n`);
      process.exitCode = 1;
      return;
    }
    let config: KafkaConfig;
    try {
      config = await loadServerConfig(args.config, args.override ?? []);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`ERROR ${messageOf(error)}\n`);
      process.exitCode = 1;
      return;
    }
    await runBroker(config);
  },
};
