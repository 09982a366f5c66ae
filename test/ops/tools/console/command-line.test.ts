import { KafkaError } from '../../../../client/errors';
import {
  errorText,
  parseKeyValueArgs,
  parseWholeNumber,
} from '../../../../ops/tools/console/command-line';
import { bootstrapList } from '../../../../ops/tools/console/client';

describe('command-line helpers', () => {
  it('parses key=value arguments at the first =, with an empty value allowed', () => {
    expect([...parseKeyValueArgs(['a=1', 'b=x=y', 'c', ''])]).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
      ['c', ''],
    ]);
    expect(() => parseKeyValueArgs(['c'], false)).toThrow('Missing value for key c');
  });

  it('parses whole numbers with joptsimple wording', () => {
    expect(parseWholeNumber('partitions', ' 12 ')).toBe(12);
    expect(() => parseWholeNumber('partitions', '1.5')).toThrow(
      "Cannot parse argument '1.5' of option partitions",
    );
  });

  it('checks bootstrap lists', () => {
    expect(bootstrapList('a:1, b:9092')).toEqual(['a:1', 'b:9092']);
    expect(() => bootstrapList('localhost')).toThrow(
      'Please provide valid host:port like host1:9091,host2:9092',
    );
  });

  it("prints a broker error's message the way Kafka prints the exception message", () => {
    expect(
      errorText(
        new KafkaError(
          'INVALID_REPLICATION_FACTOR',
          'Replication factor: 4 larger than available brokers: 3.',
          {
            topic: 't',
            broker: 1,
          },
        ),
      ),
    ).toBe('Replication factor: 4 larger than available brokers: 3.');
    expect(errorText(new KafkaError('NOT_CONTROLLER'))).toBe(
      'This is not the correct controller for this cluster.',
    );
    expect(errorText(new Error('one\n  two'))).toBe('one two');
  });
});
