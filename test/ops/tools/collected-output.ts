/**
 * A ToolOutput that keeps what a tool prints in memory, for the tools' unit tests.
 */
import type { ToolOutput } from '../../../ops/tools/console/output';

export class CollectedOutput implements ToolOutput {
  out = '';
  err = '';
  isClosed = false;

  stdout(text: string | Buffer): Promise<void> {
    this.out += typeof text === 'string' ? text : text.toString('utf8');
    return Promise.resolve();
  }

  stderr(text: string): void {
    this.err += text;
  }

  closed(): boolean {
    return this.isClosed;
  }

  /** Standard output split into lines (without the empty string after the last newline). */
  lines(): string[] {
    const lines = this.out.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines;
  }
}
