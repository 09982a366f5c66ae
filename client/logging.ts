/**
 * Logging for every samsa component: winston loggers that prefix each line with the component's
 * identity, the way Kafka's `logIdent` does (`[Controller id=1 epoch=3] `, `[Log partition=t-0] `).
 *
 * The level comes from SAMSA_LOG_LEVEL (default `info`; `warn` under jest, so tests are quiet).
 */
import winston from 'winston';

export type Logger = winston.Logger;

function defaultLevel(): string {
  if (process.env.SAMSA_LOG_LEVEL) return process.env.SAMSA_LOG_LEVEL;
  return process.env.JEST_WORKER_ID !== undefined ? 'warn' : 'info';
}

const root = winston.createLogger({
  level: defaultLevel(),
  format: winston.format.combine(
    winston.format.timestamp(),
    winston.format.printf(({ timestamp, level, message, prefix }) => {
      const ident = typeof prefix === 'string' && prefix.length > 0 ? `${prefix} ` : '';
      return `[${String(timestamp)}] ${level.toUpperCase()} ${ident}${String(message)}`;
    }),
  ),
  // Everything goes to stderr: stdout belongs to the command-line tools' output.
  transports: [
    new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) }),
  ],
});

/** A logger whose lines start with `[<prefix>]`, e.g. `logger('ZooKeeperClient')`. */
export function logger(prefix: string): Logger {
  return root.child({ prefix: `[${prefix}]` });
}

/** Change the level of every samsa logger in this process. */
export function setLogLevel(level: string): void {
  root.level = level;
}
