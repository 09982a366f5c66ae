import {
  ConsumedRecord,
  formatRecord,
  formatterSettings,
} from '../../../../ops/tools/console/message-formatter';

const record: ConsumedRecord = {
  topic: 'orders',
  partition: 2,
  offset: 42,
  timestamp: 1617000000000,
  timestampType: 'CreateTime',
  key: Buffer.from('user1'),
  value: Buffer.from('hello'),
  headers: [
    { key: 'h1', value: Buffer.from('v1') },
    { key: 'h2', value: null },
  ],
};

function format(props: Record<string, string>, r: ConsumedRecord = record): string {
  return formatRecord(r, formatterSettings(new Map(Object.entries(props)))).toString('utf8');
}

describe("console-consumer output (Kafka's DefaultMessageFormatter)", () => {
  it('prints the value and a newline by default', () => {
    expect(format({})).toBe('hello\n');
  });

  it('prints every column in Kafka order, TAB-separated', () => {
    expect(
      format({
        'print.timestamp': 'true',
        'print.partition': 'true',
        'print.offset': 'true',
        'print.headers': 'true',
        'print.key': 'true',
      }),
    ).toBe('CreateTime:1617000000000\tPartition:2\tOffset:42\th1:v1,h2:null\tuser1\thello\n');
  });

  it('uses key.separator, line.separator, headers.separator and null.literal', () => {
    expect(
      format(
        {
          'print.key': 'true',
          'print.headers': 'true',
          'key.separator': ' | ',
          'line.separator': '\r\n',
          'headers.separator': ';',
          'null.literal': '<none>',
        },
        { ...record, key: null },
      ),
    ).toBe('h1:v1;h2:<none> | <none> | hello\r\n');
  });

  it('prints placeholders for a record without timestamp or headers', () => {
    expect(
      format(
        { 'print.timestamp': 'true', 'print.headers': 'true' },
        { ...record, timestampType: null, headers: [] },
      ),
    ).toBe('NO_TIMESTAMP\tNO_HEADERS\thello\n');
    expect(
      format({ 'print.timestamp': 'true' }, { ...record, timestampType: 'LogAppendTime' }),
    ).toBe('LogAppendTime:1617000000000\thello\n');
  });

  it('ends the line after the last printed column when print.value=false', () => {
    expect(format({ 'print.value': 'false', 'print.key': 'true', 'print.offset': 'true' })).toBe(
      'Offset:42\tuser1\n',
    );
  });

  it('refuses deserializers other than StringDeserializer', () => {
    expect(() =>
      formatterSettings(
        new Map([['key.deserializer', 'org.apache.kafka.common.serialization.LongDeserializer']]),
      ),
    ).toThrow(/is not supported/);
    expect(() =>
      formatterSettings(
        new Map([
          ['value.deserializer', 'org.apache.kafka.common.serialization.StringDeserializer'],
        ]),
      ),
    ).not.toThrow();
  });
});
