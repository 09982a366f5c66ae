/**
 * Java `.properties` files, read the way `java.util.Properties.load` reads them, and the
 * `--override key=value` arguments of `samsa server-start`.
 *
 * The format (as Properties.load defines it):
 * - A natural line ends at `\n`, `\r` or `\r\n`. A line ending in an odd number of backslashes
 *   continues on the next line; the backslash, the line break and the next line's leading
 *   whitespace are dropped. A final backslash at the end of the file is dropped.
 * - Whitespace is space, tab and form feed. Lines holding only whitespace are skipped; a line whose
 *   first non-whitespace character is `#` or `!` is a comment (a comment never continues).
 * - The key runs from the first non-whitespace character to the first unescaped `=`, `:` or
 *   whitespace. After it, whitespace, at most one `=` or `:`, and more whitespace are skipped; the
 *   value is the rest of the line (leading whitespace dropped, trailing whitespace kept). So
 *   `a=b`, `a:b`, `a b` and `a = b` all give key `a`, value `b`.
 * - In keys and values `\t \n \r \f` are escapes, `\uXXXX` is a UTF-16 code unit (exactly four
 *   hex digits, else an error), and a backslash before any other character stands for that
 *   character (`\=`, `\:`, `\ `, `\#`, `\\`).
 * - A key given twice keeps its last value.
 * One difference: Properties.load(InputStream) decodes bytes as ISO-8859-1; samsa reads files as
 * UTF-8. ASCII files (and `\uXXXX` escapes) mean the same in both.
 */
import { ConfigError } from './config-error';

const WHITESPACE = new Set([' ', '\t', '\f']);

/** Parses the text of a `.properties` file into its keys and values, in file order. */
export function parseProperties(text: string, source = 'properties file'): Map<string, string> {
  const result = new Map<string, string>();
  const reader = new LineReader(text);
  for (let line = reader.next(); line !== undefined; line = reader.next()) {
    const { key, value } = splitKeyValue(line.text);
    result.set(unescape(key, source, line.number), unescape(value, source, line.number));
  }
  return result;
}

/**
 * Writes keys and values as a `.properties` file that `parseProperties` (and Java) reads back
 * unchanged, escaping as `Properties.store` does; characters outside printable ASCII are written
 * as `\uXXXX`, so the file is plain ASCII.
 */
export function formatProperties(entries: Iterable<readonly [string, string]>): string {
  let out = '';
  for (const [key, value] of entries) out += `${escape(key, true)}=${escape(value, false)}\n`;
  return out;
}

/**
 * Parses `--override key=value` arguments. Each must contain `=`; the key is what comes before the
 * first `=` (trimmed, non-empty) and the value everything after it, so a value may itself hold `=`.
 */
export function parseOverrides(args: readonly string[]): Map<string, string> {
  const result = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = eq < 0 ? '' : arg.slice(0, eq).trim();
    if (key === '') {
      throw new ConfigError(`Invalid --override argument '${arg}': expected key=value`);
    }
    result.set(key, arg.slice(eq + 1));
  }
  return result;
}

interface LogicalLine {
  /** The line with continuations joined, escapes not yet processed. */
  text: string;
  /** The 1-based number of the natural line it starts on. */
  number: number;
}

/** Splits the file into logical lines, skipping blank lines and comments. */
class LineReader {
  private pos = 0;
  private lineNumber = 1;

  constructor(private readonly text: string) {}

  next(): LogicalLine | undefined {
    const text = this.text;
    while (this.pos < text.length) {
      this.skipWhitespace();
      if (this.pos >= text.length) return undefined;
      const c = text[this.pos];
      if (c === '\n' || c === '\r') {
        this.consumeLineBreak();
        continue;
      }
      if (c === '#' || c === '!') {
        while (this.pos < text.length && text[this.pos] !== '\n' && text[this.pos] !== '\r') {
          this.pos++;
        }
        this.consumeLineBreak();
        continue;
      }
      return this.readLogicalLine();
    }
    return undefined;
  }

  private readLogicalLine(): LogicalLine {
    const text = this.text;
    const number = this.lineNumber;
    let out = '';
    for (;;) {
      const start = this.pos;
      while (this.pos < text.length && text[this.pos] !== '\n' && text[this.pos] !== '\r') {
        this.pos++;
      }
      const piece = text.slice(start, this.pos);
      if (!endsWithOddBackslashes(piece)) return { text: out + piece, number };
      out += piece.slice(0, -1);
      if (this.pos >= text.length) return { text: out, number };
      this.consumeLineBreak();
      this.skipWhitespace();
    }
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length && WHITESPACE.has(this.text[this.pos])) this.pos++;
  }

  private consumeLineBreak(): void {
    if (this.text[this.pos] === '\r') this.pos++;
    if (this.text[this.pos] === '\n') this.pos++;
    this.lineNumber++;
  }
}

function endsWithOddBackslashes(s: string): boolean {
  let count = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

/** Splits a logical line (leading whitespace already gone) into raw key and raw value. */
function splitKeyValue(line: string): { key: string; value: string } {
  let keyEnd = 0;
  let valueStart = line.length;
  let hasSeparator = false;
  let escaped = false;
  for (; keyEnd < line.length; keyEnd++) {
    const c = line[keyEnd];
    if (!escaped && (c === '=' || c === ':')) {
      valueStart = keyEnd + 1;
      hasSeparator = true;
      break;
    }
    if (!escaped && WHITESPACE.has(c)) {
      valueStart = keyEnd + 1;
      break;
    }
    escaped = c === '\\' ? !escaped : false;
  }
  for (; valueStart < line.length; valueStart++) {
    const c = line[valueStart];
    if (WHITESPACE.has(c)) continue;
    if (!hasSeparator && (c === '=' || c === ':')) {
      hasSeparator = true;
      continue;
    }
    break;
  }
  return { key: line.slice(0, keyEnd), value: line.slice(valueStart) };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(raw: string, source: string, lineNumber: number): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\' || i + 1 >= raw.length) {
      out += c;
      continue;
    }
    const next = raw[++i];
    if (next === 'u') {
      const hex = raw.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new ConfigError(`Malformed \\uxxxx encoding in ${source} line ${lineNumber}`);
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}

function escape(s: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (c === ' ') out += isKey || i === 0 ? '\\ ' : ' ';
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\f') out += '\\f';
    else if (c === '\\' || c === '=' || c === ':' || c === '#' || c === '!') out += `\\${c}`;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}
