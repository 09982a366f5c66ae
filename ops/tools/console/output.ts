/**
 * Where a command-line tool writes: standard output (its results, with backpressure: a tool that
 * prints many lines waits for the terminal or pipe to take them) and standard error (notices).
 * Tools take a `ToolOutput` so tests can collect what they print.
 */

export interface ToolOutput {
  /** Writes text to standard output; resolves when more may be written. */
  stdout(text: string | Buffer): Promise<void>;
  /** Writes text to standard error. */
  stderr(text: string): void;
  /** True once standard output is closed (e.g. `| head` exited): the tool should stop. */
  closed(): boolean;
}

/** The process's own stdout and stderr. */
export function processOutput(): ToolOutput {
  let closed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return {
    stdout(text) {
      if (closed) return Promise.resolve();
      if (process.stdout.write(text)) return Promise.resolve();
      return new Promise((resolve) => {
        const done = (): void => {
          process.stdout.off('drain', done);
          process.stdout.off('close', done);
          process.stdout.off('error', done);
          resolve();
        };
        process.stdout.on('drain', done);
        process.stdout.on('close', done);
        process.stdout.on('error', done);
      });
    },
    stderr(text) {
      process.stderr.write(text);
    },
    closed: () => closed,
  };
}
