/**
 * The two time arguments of `consumer-groups --reset-offsets`, parsed as Kafka parses them:
 *
 * - `--to-datetime YYYY-MM-DDTHH:mm:SS.sss[zone]` (Kafka's Utils.getDateTime): the text must have a
 *   `T`; without a zone (`Z`, `+hh`, `+hhmm`, `+hh:mm`, or with `-`) it is UTC; the milliseconds
 *   are required and are a number of milliseconds (`.5` is 5 ms, as Java's SimpleDateFormat reads
 *   `SSS`); fields are checked strictly (month 1-12, a day that exists, 00-23 hours...).
 * - `--by-duration PnDTnHnMnS` (Java's Duration.parse): days, hours, minutes and seconds (with up
 *   to 9 fraction digits), each optional but at least one, each signed, the whole signed, the
 *   letters in either case.
 *
 * Errors carry Java's messages (`Unparseable date: "..."`, `Text cannot be parsed to a Duration`).
 */
import { UsageError } from '../console/command-line';

const DATE_TIME =
  /^(\d{4,})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{1,2}):(\d{1,2})\.(\d+)(Z|[+-]\d{2}(?::?\d{2})?)$/;

/** Milliseconds since the epoch of a `--to-datetime` value. */
export function parseDateTime(text: string): number {
  // Java's String.split drops trailing empty strings.
  const parts = text.split('T');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length < 2) {
    throw new UsageError(
      "Error parsing timestamp. It does not contain a 'T' according to ISO8601 format",
    );
  }
  const time = parts[1];
  const timestamp =
    time.includes('+') || time.includes('-') || time.includes('Z') ? text : `${text}Z`;
  const unparseable = new UsageError(`Unparseable date: "${timestamp}"`);
  const match = DATE_TIME.exec(timestamp);
  if (match === null) throw unparseable;
  const [year, month, day, hour, minute, second, millis] = match.slice(1, 8).map(Number);
  const zone = match[8];
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    millis > 999
  ) {
    throw unparseable;
  }
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (hours > 23 || minutes > 59) throw unparseable;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const DURATION =
  /^([-+]?)P(?:([-+]?\d+)D)?(T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i;

/** The length of a `--by-duration` value, in milliseconds (may be negative or fractional). */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  const fail = (): never => {
    throw new UsageError('Text cannot be parsed to a Duration');
  };
  if (match === null) return fail();
  const [, sign, days, timePart, hours, minutes, seconds, fraction] = match;
  if (days === undefined && hours === undefined && minutes === undefined && seconds === undefined) {
    return fail();
  }
  if (timePart === 'T' || timePart === 't') return fail();
  const n = (value: string | undefined): number => (value === undefined ? 0 : Number(value));
  const secondsSign = seconds?.startsWith('-') ? -1 : 1;
  const fractionMs = fraction === undefined ? 0 : Number(`0.${fraction.padEnd(1, '0')}`) * 1000;
  const ms =
    n(days) * 86_400_000 +
    n(hours) * 3_600_000 +
    n(minutes) * 60_000 +
    n(seconds) * 1000 +
    secondsSign * fractionMs;
  if (!Number.isFinite(ms)) return fail();
  return sign === '-' ? -ms : ms;
}
