import fc from 'fast-check';
import * as isrChange from '../../../zk-schema/znodes/isr-change-notification';
import * as logDirEvent from '../../../zk-schema/znodes/log-dir-event-notification';
import * as producerIdBlock from '../../../zk-schema/znodes/producer-id-block';
import * as feature from '../../../zk-schema/znodes/feature';
import {
  bySequence,
  childPath,
  createPath,
  sequenceNumber,
  sequentialName,
} from '../../../zk-schema/znodes/sequential';
import { zkDataError } from './arbitraries';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('sequential notification children', () => {
  const store = isrChange.STORE;

  it('uses Kafka prefixes and the create path ZooKeeper appends the counter to', () => {
    expect(createPath(store)).toBe('/isr_change_notification/isr_change_');
    expect(createPath(logDirEvent.STORE)).toBe('/log_dir_event_notification/log_dir_event_');
    expect(isrChange.MODE).toBe('persistent-sequential');
    expect(logDirEvent.MODE).toBe('persistent-sequential');
  });

  it('parses the 10-digit counter, including negative counters after wrap-around', () => {
    expect(sequenceNumber(store, 'isr_change_0000000042')).toBe(42);
    expect(sequenceNumber(store, 'isr_change_-000000001')).toBe(-1);
    expect(sequenceNumber(store, 'isr_change_-2147483648')).toBe(-2147483648);
    expect(childPath(store, 'isr_change_0000000042')).toBe(
      '/isr_change_notification/isr_change_0000000042',
    );
  });

  it.each(['isr_change_42', 'log_dir_event_0000000001', 'isr_change_00000000x1', 'isr_change_'])(
    'refuses the foreign child %j',
    (name) => {
      expect(zkDataError(() => sequenceNumber(store, name)).message).toMatch(
        /^\/isr_change_notification: child .* is not a sequential node named isr_change_<10 digits>$/,
      );
    },
  );

  it('sorts children by number and round-trips every counter value', () => {
    expect(
      bySequence(store, ['isr_change_0000000010', 'isr_change_0000000002']).map((c) => c.sequence),
    ).toEqual([2, 10]);
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), (n) => {
        expect(sequenceNumber(store, sequentialName(store, n))).toBe(n);
      }),
    );
  });
});

describe('/isr_change_notification/isr_change_<seq>', () => {
  it('reads and writes the reference payload', () => {
    const text =
      '{"version":1,"partitions":[{"topic":"orders","partition":0},{"topic":"orders","partition":3}]}';
    const value = {
      partitions: [
        { topic: 'orders', partition: 0 },
        { topic: 'orders', partition: 3 },
      ],
    };
    expect(isrChange.encode(value).toString()).toBe(text);
    expect(isrChange.decode(bytes(text))).toEqual(value);
  });
});

describe('/log_dir_event_notification/log_dir_event_<seq>', () => {
  it('writes event 1 (LogDirFailure) and refuses other events', () => {
    expect(logDirEvent.encode({ brokerId: 3 }).toString()).toBe(
      '{"version":1,"broker":3,"event":1}',
    );
    expect(
      zkDataError(() => logDirEvent.decode(bytes('{"version":1,"broker":3,"event":2}'))).message,
    ).toMatch(/field "event": unknown event 2/);
  });
});

describe('/latest_producer_id_block', () => {
  it('writes block bounds as strings, byte for byte', () => {
    expect(
      producerIdBlock.encode({ brokerId: 3, blockStart: 2000, blockEnd: 2999 }).toString(),
    ).toBe('{"version":1,"broker":3,"block_start":"2000","block_end":"2999"}');
  });

  it('reads an empty node as "no block yet" and claims 1000-wide blocks from there', () => {
    expect(producerIdBlock.decode(Buffer.alloc(0))).toBeNull();
    const first = producerIdBlock.nextBlock(null, 1);
    expect(first).toEqual({ brokerId: 1, blockStart: 0, blockEnd: 999 });
    expect(producerIdBlock.nextBlock(first, 2)).toEqual({
      brokerId: 2,
      blockStart: 1000,
      blockEnd: 1999,
    });
    expect(() =>
      producerIdBlock.nextBlock(
        { brokerId: 1, blockStart: 0, blockEnd: Number.MAX_SAFE_INTEGER - 10 },
        1,
      ),
    ).toThrow(/producer ids exhausted/);
  });

  it.each([
    [
      'numeric bounds',
      '{"version":1,"broker":1,"block_start":0,"block_end":999}',
      /field "block_start": expected a string/,
    ],
    [
      'bounds beyond 2^53',
      '{"version":1,"broker":1,"block_start":"9223372036854775000","block_end":"9223372036854775807"}',
      /field "block_start"/,
    ],
    [
      'an inverted block',
      '{"version":1,"broker":1,"block_start":"1000","block_end":"999"}',
      /block_end 999 is below block_start 1000/,
    ],
    [
      'a non-decimal bound',
      '{"version":1,"broker":1,"block_start":"0x10","block_end":"999"}',
      /decimal integer in a string/,
    ],
  ])('refuses %s', (_name, text, pattern) => {
    expect(zkDataError(() => producerIdBlock.decode(bytes(text))).message).toMatch(pattern);
  });
});

describe('/feature', () => {
  it('writes the 2.8 payload: enabled, no finalized features', () => {
    expect(feature.encode({ status: 'enabled', features: new Map() }).toString()).toBe(
      '{"version":1,"status":1,"features":{}}',
    );
    expect(feature.decode(bytes('{"version":1,"status":0,"features":{}}'))).toEqual({
      status: 'disabled',
      features: new Map(),
    });
  });

  it.each([
    ['status 2', '{"version":1,"status":2,"features":{}}', /field "status": unknown status 2/],
    ['no features', '{"version":1,"status":1}', /missing field "features"/],
    [
      'a zero level',
      '{"version":1,"status":1,"features":{"f":{"min_version_level":0,"max_version_level":1}}}',
      /min_version_level/,
    ],
    [
      'an inverted range',
      '{"version":1,"status":1,"features":{"f":{"min_version_level":2,"max_version_level":1}}}',
      /below min_version_level/,
    ],
  ])('refuses %s', (_name, text, pattern) => {
    expect(zkDataError(() => feature.decode(bytes(text))).message).toMatch(pattern);
  });
});
