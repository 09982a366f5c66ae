import { parseDateTime, parseDuration } from '../../../../ops/tools/consumer-groups/reset-time';

describe('--to-datetime (Kafka’s Utils.getDateTime)', () => {
  it('reads a time without a zone as UTC', () => {
    expect(parseDateTime('2021-06-01T12:34:56.789')).toBe(Date.UTC(2021, 5, 1, 12, 34, 56, 789));
  });

  it('reads the zones Java’s XXX and X patterns accept', () => {
    const utc = Date.UTC(2020, 10, 10, 8, 51, 38, 198);
    expect(parseDateTime('2020-11-10T08:51:38.198Z')).toBe(utc);
    expect(parseDateTime('2020-11-10T16:51:38.198+08:00')).toBe(utc);
    expect(parseDateTime('2020-11-10T16:51:38.198+0800')).toBe(utc);
    expect(parseDateTime('2020-11-10T16:51:38.198+08')).toBe(utc);
    expect(parseDateTime('2020-11-10T03:21:38.198-05:30')).toBe(utc);
  });

  it('reads the milliseconds as a number, as SimpleDateFormat’s SSS does', () => {
    expect(parseDateTime('2021-01-01T00:00:00.5')).toBe(Date.UTC(2021, 0, 1, 0, 0, 0, 5));
  });

  it.each([
    [
      '2021-01-01',
      "Error parsing timestamp. It does not contain a 'T' according to ISO8601 format",
    ],
    [
      '2021-01-01T',
      "Error parsing timestamp. It does not contain a 'T' according to ISO8601 format",
    ],
    ['2021-01-01T10:00:00', 'Unparseable date: "2021-01-01T10:00:00Z"'],
    ['2021-02-29T10:00:00.000', 'Unparseable date: "2021-02-29T10:00:00.000Z"'],
    ['2021-13-01T10:00:00.000', 'Unparseable date: "2021-13-01T10:00:00.000Z"'],
    ['2021-01-01T24:00:00.000', 'Unparseable date: "2021-01-01T24:00:00.000Z"'],
    ['2021-01-01T10:00:00.123456', 'Unparseable date: "2021-01-01T10:00:00.123456Z"'],
    ['2021-01-01T10:00:00.000+25:00', 'Unparseable date: "2021-01-01T10:00:00.000+25:00"'],
  ])('refuses %s', (text, message) => {
    expect(() => parseDateTime(text)).toThrow(message);
  });
});

describe('--by-duration (Java’s Duration.parse)', () => {
  it.each<[string, number]>([
    ['PT0S', 0],
    ['PT15M', 900_000],
    ['P1DT2H3M4S', 93_784_000],
    ['P2D', 172_800_000],
    ['pt1.5s', 1500],
    ['PT-1.5S', -1500],
    ['-PT1H', -3_600_000],
    ['PT1H-30M', 1_800_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '1H', 'P1H', 'PT1D', 'P1DT', 'PT1.1234567891S'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow('Text cannot be parsed to a Duration');
  });
});
