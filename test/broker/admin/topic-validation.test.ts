import fc from 'fast-check';
import {
  COLLISION_WARNING,
  checkCollisions,
  collides,
  hasCollisionChars,
  validateNewPartitionsAssignment,
  validateTopicAssignment,
} from '../../../broker/admin/topic-validation';
import { KafkaError } from '../../../client/errors';

function kafkaError(fn: () => unknown): KafkaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KafkaError) return error;
    throw error;
  }
  throw new Error('expected a KafkaError');
}

describe("topic names: Kafka's '.' / '_' metric-name collision", () => {
  test('names with a period or an underscore may collide; others may not', () => {
    expect(hasCollisionChars('orders.eu')).toBe(true);
    expect(hasCollisionChars('orders_eu')).toBe(true);
    expect(hasCollisionChars('orders-eu')).toBe(false);
    expect(COLLISION_WARNING).toMatch(/period \('\.'\) or underscore \('_'\)/);
  });

  test("'a.b' collides with 'a_b' but not with itself or with 'a-b'", () => {
    expect(collides('a.b', 'a_b')).toBe(true);
    expect(collides('a_b', 'a.b')).toBe(true);
    expect(collides('a.b', 'a.b')).toBe(false);
    expect(collides('a.b', 'a-b')).toBe(false);
  });

  test('collision is symmetric and only between names equal after mapping . to _', () => {
    const name = fc.stringMatching(/^[a-c._]{1,6}$/);
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(collides(a, b)).toBe(collides(b, a));
        expect(collides(a, b)).toBe(a !== b && a.replace(/\./g, '_') === b.replace(/\./g, '_'));
      }),
    );
  });

  test('a name colliding with existing topics is INVALID_TOPIC_EXCEPTION naming them', () => {
    const error = kafkaError(() => checkCollisions('metrics.cpu', ['metrics_cpu', 'other']));
    expect(error.type).toBe('INVALID_TOPIC_EXCEPTION');
    expect(error.message).toContain(
      "Topic 'metrics.cpu' collides with existing topics: metrics_cpu",
    );
    expect(() => checkCollisions('metrics.cpu', ['metrics.cpu', 'metrics-cpu'])).not.toThrow();
  });
});

describe('explicit assignments of a new topic', () => {
  const brokers = new Set([1, 2, 3]);

  test('a consecutive assignment with one replication factor on known brokers passes', () => {
    expect(() =>
      validateTopicAssignment(
        new Map([
          [0, [1, 2]],
          [1, [2, 3]],
          [2, [3, 1]],
        ]),
        brokers,
      ),
    ).not.toThrow();
  });

  test.each([
    ['an empty assignment', new Map<number, number[]>(), 'empty'],
    [
      'different replication factors',
      new Map([
        [0, [1, 2]],
        [1, [3]],
      ]),
      'same number of replicas',
    ],
    ['a broker twice in a partition', new Map([[0, [1, 1]]]), 'Duplicate brokers'],
    ['an unknown broker', new Map([[0, [1, 7]]]), 'Unknown broker(s)'],
    ['no replica', new Map([[0, []]]), 'replication factor of 0'],
    [
      'a gap in partition ids',
      new Map([
        [0, [1]],
        [2, [2]],
      ]),
      'consecutive 0-based',
    ],
    ['partitions not starting at 0', new Map([[1, [1]]]), 'consecutive 0-based'],
  ])('%s is INVALID_REPLICA_ASSIGNMENT', (_what, assignment, message) => {
    const error = kafkaError(() => validateTopicAssignment(assignment, brokers));
    expect(error.type).toBe('INVALID_REPLICA_ASSIGNMENT');
    expect(error.message).toContain(message);
  });
});

describe('assignments of added partitions', () => {
  const brokers = new Set([1, 2, 3]);

  test('new partitions continuing the numbering with the same factor pass', () => {
    expect(() =>
      validateNewPartitionsAssignment(
        new Map([
          [3, [1, 2]],
          [4, [2, 3]],
        ]),
        2,
        3,
        brokers,
      ),
    ).not.toThrow();
  });

  test('a different replication factor than partition 0 is refused', () => {
    const error = kafkaError(() =>
      validateNewPartitionsAssignment(new Map([[3, [1]]]), 2, 3, brokers),
    );
    expect(error.type).toBe('INVALID_REPLICA_ASSIGNMENT');
    expect(error.message).toContain('partition 0 has 2 while partition 3 has 1 replicas');
  });

  test('numbering that does not continue from the current count is refused', () => {
    const error = kafkaError(() =>
      validateNewPartitionsAssignment(new Map([[5, [1, 2]]]), 2, 3, brokers),
    );
    expect(error.message).toContain('starting at 3');
  });
});
