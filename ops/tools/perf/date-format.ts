/**
 * Java SimpleDateFormat patterns, for `--date-format` of `samsa consumer-perf-test` (default
 * `yyyy-MM-dd HH:mm:ss:SSS`), in local time. Supported letters: y (year), M (month number),
 * d (day), H (hour 0-23), m (minute), s (second), S (millisecond); a run of a letter is its
 * zero-padded width (`yy` is the year's last two digits). Other ASCII letters are refused;
 * anything else, and text in single quotes (`''` is a quote), is copied.
 */
import { UsageError } from '../console/command-line';

type Token = { text: string } | { field: string; width: number };

/** Parses a pattern once; the result formats times. */
export function compileDateFormat(pattern: string): (ms: number) => string {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        tokens.push({ text: "'" });
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) throw new UsageError(`Unterminated quote in date format: ${pattern}`);
      tokens.push({ text: pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      if (!'yMdHmsS'.includes(c)) {
        throw new UsageError(`Illegal pattern character '${c}' in date format: ${pattern}`);
      }
      let j = i;
      while (pattern[j] === c) j++;
      tokens.push({ field: c, width: j - i });
      i = j;
    } else {
      tokens.push({ text: c });
      i++;
    }
  }
  return (ms) => {
    const d = new Date(ms);
    return tokens
      .map((token) => {
        if ('text' in token) return token.text;
        const value = fieldValue(d, token.field);
        if (token.field === 'y' && token.width === 2) return String(value % 100).padStart(2, '0');
        return String(value).padStart(token.width, '0');
      })
      .join('');
  };
}

function fieldValue(d: Date, field: string): number {
  switch (field) {
    case 'y':
      return d.getFullYear();
    case 'M':
      return d.getMonth() + 1;
    case 'd':
      return d.getDate();
    case 'H':
      return d.getHours();
    case 'm':
      return d.getMinutes();
    case 's':
      return d.getSeconds();
    default:
      return d.getMilliseconds();
  }
}
