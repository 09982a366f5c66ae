import { UsageError } from '../../../../ops/tools/console/command-line';
import type { ResetScenario } from '../../../../ops/tools/consumer-groups/group-options';
import {
  ResetInputs,
  TopicPartition,
  parseResetFile,
  partitionKey,
  planReset,
} from '../../../../ops/tools/consumer-groups/reset-plan';

const t0 = { topic: 't', partition: 0 };
const t1 = { topic: 't', partition: 1 };
const u0 = { topic: 'u', partition: 0 };

/** Log [start, end]: t-0 [10, 100], t-1 [0, 50], u-0 [5, 5] (empty); committed t-0 = 40. */
function inputs(partitions: TopicPartition[], extra: Partial<ResetInputs> = {}): ResetInputs {
  return {
    partitions,
    committed: new Map([[partitionKey(t0), 40]]),
    log: new Map([
      [partitionKey(t0), { start: 10, end: 100 }],
      [partitionKey(t1), { start: 0, end: 50 }],
      [partitionKey(u0), { start: 5, end: 5 }],
    ]),
    ...extra,
  };
}

const offsets = (scenario: ResetScenario, input: ResetInputs) =>
  planReset(scenario, input).offsets.map((o) => `${o.topic}-${o.partition}:${o.offset}`);

describe('reset planning, scenario by scenario', () => {
  it('--to-earliest: the log start offset', () => {
    expect(offsets({ kind: 'to-earliest' }, inputs([t0, t1, u0]))).toEqual([
      't-0:10',
      't-1:0',
      'u-0:5',
    ]);
  });

  it('--to-latest: the log end offset', () => {
    expect(offsets({ kind: 'to-latest' }, inputs([t0, t1, u0]))).toEqual([
      't-0:100',
      't-1:50',
      'u-0:5',
    ]);
  });

  it('--to-current: the committed offset, else the log end offset', () => {
    expect(offsets({ kind: 'to-current' }, inputs([t0, t1]))).toEqual(['t-0:40', 't-1:50']);
  });

  it('--to-offset: the offset, clamped into [log start, log end] with a warning each way', () => {
    const plan = planReset({ kind: 'to-offset', offset: 60 }, inputs([t0, t1, u0]));
    expect(plan.offsets.map((o) => o.offset)).toEqual([60, 50, 5]);
    expect(plan.warnings).toEqual([
      'New offset (60) is higher than latest offset for topic partition t-1. Value will be set to 50',
      'New offset (60) is higher than latest offset for topic partition u-0. Value will be set to 5',
    ]);
    const low = planReset({ kind: 'to-offset', offset: 3 }, inputs([t0]));
    expect(low.offsets[0].offset).toBe(10);
    expect(low.warnings).toEqual([
      'New offset (3) is lower than earliest offset for topic partition t-0. Value will be set to 10',
    ]);
  });

  it('--shift-by: committed plus the shift, clamped; no committed offset is a usage error', () => {
    expect(offsets({ kind: 'shift-by', shift: 5 }, inputs([t0]))).toEqual(['t-0:45']);
    expect(offsets({ kind: 'shift-by', shift: -35 }, inputs([t0]))).toEqual(['t-0:10']);
    expect(offsets({ kind: 'shift-by', shift: 100 }, inputs([t0]))).toEqual(['t-0:100']);
    expect(() => planReset({ kind: 'shift-by', shift: 1 }, inputs([t1]))).toThrow(
      new UsageError(
        'Cannot shift offset for partition t-1 since there is no current committed offset',
      ),
    );
  });

  it('--to-datetime / --by-duration: the offset found by time, else the log end offset (not clamped)', () => {
    const byTimestamp = new Map([
      [partitionKey(t0), 77],
      [partitionKey(t1), -1],
    ]);
    for (const scenario of [
      { kind: 'to-datetime', timestamp: 1 },
      { kind: 'by-duration', durationMs: 1 },
    ] as const) {
      expect(offsets(scenario, inputs([t0, t1, u0], { byTimestamp }))).toEqual([
        't-0:77',
        't-1:50',
        'u-0:5',
      ]);
    }
  });

  it('--from-file: the file’s offsets, clamped', () => {
    const requested = new Map([
      [partitionKey(t0), 5],
      [partitionKey(t1), 20],
    ]);
    const plan = planReset({ kind: 'from-file', file: 'f' }, inputs([t0, t1], { requested }));
    expect(plan.offsets.map((o) => o.offset)).toEqual([10, 20]);
    expect(plan.warnings).toHaveLength(1);
  });

  it('a partition whose log offsets are unknown fails with Kafka’s messages', () => {
    const missing = { topic: 't', partition: 9 };
    expect(() => planReset({ kind: 'to-earliest' }, inputs([missing]))).toThrow(
      new UsageError('Error getting starting offset of topic partition: t-9'),
    );
    expect(() => planReset({ kind: 'to-latest' }, inputs([missing]))).toThrow(
      new UsageError('Error getting ending offset of topic partition: t-9'),
    );
    expect(() => planReset({ kind: 'to-offset', offset: 1 }, inputs([missing]))).toThrow(
      'Unexpected non-existing offset value for topic partition t-9',
    );
  });
});

describe('reset plan CSV files', () => {
  it('reads topic,partition,offset lines for a single group', () => {
    expect(parseResetFile('t,0,5\nt,1,6\n', 'g')).toEqual(
      new Map([
        [
          'g',
          [
            { topic: 't', partition: 0, offset: 5 },
            { topic: 't', partition: 1, offset: 6 },
          ],
        ],
      ]),
    );
  });

  it('reads group,topic,partition,offset lines (quoted fields too), the last line for a partition winning', () => {
    expect(parseResetFile('a,t,0,5\r\n"b,c","x""y",1,6\na,t,0,7\n', undefined)).toEqual(
      new Map([
        ['a', [{ topic: 't', partition: 0, offset: 7 }]],
        ['b,c', [{ topic: 'x"y', partition: 1, offset: 6 }]],
      ]),
    );
  });

  it('refuses malformed lines, naming them', () => {
    expect(() => parseResetFile('t,0,x\n', 'g')).toThrow(
      'line 1 of the reset plan is not group,topic,partition,offset: t,0,x',
    );
  });
});
