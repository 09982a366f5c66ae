/**
 * The JSON files and lists of `samsa reassign-partitions` in Kafka 2.8's formats: the topics to
 * move, the reassignment plan (version 1, log_dirs "any"), the broker list, Kafka's checks of an
 * --execute plan, and the plan JSON it prints (sorted, Kafka's key order).
 */
import {
  checkExecutePlan,
  formatReassignmentJson,
  parseBrokerList,
  parseReassignmentPlan,
  parseTopicsToMove,
} from '../../../../ops/tools/reassign-partitions/reassignment-json';

describe('formatReassignmentJson', () => {
  it("prints Kafka's plan JSON, partitions sorted by topic then partition", () => {
    expect(
      formatReassignmentJson([
        { topic: 'foo', partition: 1, replicas: [2, 3] },
        { topic: 'bar', partition: 0, replicas: [1] },
        { topic: 'foo', partition: 0, replicas: [1, 2] },
      ]),
    ).toBe(
      '{"version":1,"partitions":[{"topic":"bar","partition":0,"replicas":[1],"log_dirs":["any"]},' +
        '{"topic":"foo","partition":0,"replicas":[1,2],"log_dirs":["any","any"]},' +
        '{"topic":"foo","partition":1,"replicas":[2,3],"log_dirs":["any","any"]}]}',
    );
  });

  it('reads back what it prints', () => {
    const plan = [{ topic: 'foo', partition: 0, replicas: [3, 1] }];
    expect(parseReassignmentPlan(formatReassignmentJson(plan))).toEqual(plan);
  });
});

describe('parseReassignmentPlan', () => {
  it('takes a plan without version or log_dirs as version 1', () => {
    expect(
      parseReassignmentPlan('{"partitions":[{"topic":"t","partition":2,"replicas":[1,2]}]}'),
    ).toEqual([{ topic: 't', partition: 2, replicas: [1, 2] }]);
  });

  it('refuses other versions, bad JSON, log dir moves and mismatched log_dirs', () => {
    expect(() => parseReassignmentPlan('{"version":2,"partitions":[]}')).toThrow(
      'Not supported version field value 2',
    );
    expect(() => parseReassignmentPlan('{"partitions":')).toThrow(
      'The input string is not a valid JSON',
    );
    expect(() =>
      parseReassignmentPlan(
        '{"partitions":[{"topic":"t","partition":0,"replicas":[1],"log_dirs":["/data"]}]}',
      ),
    ).toThrow(
      'samsa does not move replicas between log directories: the log_dirs of t-0 must all be "any"',
    );
    expect(() =>
      parseReassignmentPlan(
        '{"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any"]}]}',
      ),
    ).toThrow(
      'Size of replicas list [1, 2] is different from size of log dirs list [any] for partition t-0',
    );
    expect(() => parseReassignmentPlan('{"partitions":[{"topic":"t","replicas":[1]}]}')).toThrow(
      'every entry of "partitions" needs "topic" (a string), "partition" (an integer) and "replicas"',
    );
  });
});

describe('checkExecutePlan', () => {
  it("refuses empty plans and lists, and repeats, with Kafka's messages", () => {
    expect(() => checkExecutePlan([])).toThrow('Partition reassignment list cannot be empty');
    expect(() => checkExecutePlan([{ topic: 't', partition: 0, replicas: [] }])).toThrow(
      'Partition replica list cannot be empty',
    );
    expect(() =>
      checkExecutePlan([
        { topic: 't', partition: 0, replicas: [1] },
        { topic: 't', partition: 0, replicas: [2] },
      ]),
    ).toThrow('Partition reassignment contains duplicate topic partitions: t-0');
    expect(() => checkExecutePlan([{ topic: 't', partition: 1, replicas: [1, 2, 1] }])).toThrow(
      'Partition replica lists may not contain duplicate entries: t-1 contains multiple entries for 1',
    );
  });
});

describe('topics to move and broker list', () => {
  it('reads {"topics":[{"topic":"t"}],"version":1}', () => {
    expect(parseTopicsToMove('{"topics":[{"topic":"foo1"},{"topic":"foo2"}],"version":1}')).toEqual(
      ['foo1', 'foo2'],
    );
  });

  it("refuses repeats, other versions and bad JSON with Kafka's messages", () => {
    expect(() => parseTopicsToMove('{"topics":[{"topic":"a"},{"topic":"a"}]}')).toThrow(
      'List of topics to reassign contains duplicate entries: a',
    );
    expect(() => parseTopicsToMove('{"topics":[],"version":3}')).toThrow(
      'Not supported version field value 3',
    );
    expect(() => parseTopicsToMove('nope')).toThrow('The input string is not a valid JSON');
  });

  it('parses 1,2,3 and refuses repeats and non-numbers', () => {
    expect(parseBrokerList('1,2,3')).toEqual([1, 2, 3]);
    expect(() => parseBrokerList('1,2,1')).toThrow('Broker list contains duplicate entries: 1');
    expect(() => parseBrokerList('1,x')).toThrow('For input string: "x"');
  });
});
