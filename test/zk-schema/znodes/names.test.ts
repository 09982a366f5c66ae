import fc from 'fast-check';
import { KafkaError } from '../../../client/errors';
import { isBase64Uuid, randomBase64Uuid } from '../../../zk-schema/znodes/base64-uuid';
import {
  isCanonicalId,
  nodeNameProblem,
  parseIdName,
  topicNameProblem,
  validateNodeName,
  validateTopicName,
} from '../../../zk-schema/znodes/names';
import { topic, zkDataError } from './arbitraries';

describe('topic names', () => {
  it('accepts every name of [a-zA-Z0-9._-], 1..249 characters, except . and ..', () => {
    fc.assert(
      fc.property(topic, (t) => {
        expect(validateTopicName(t)).toBe(t);
      }),
    );
    expect(validateTopicName('x'.repeat(249))).toHaveLength(249);
  });

  it.each([
    ['', /it is empty/],
    ['.', /"\." is illegal/],
    ['..', /"\.\." is illegal/],
    ['x'.repeat(250), /longer than 249 characters/],
    ['orders/0', /contains a character other than ASCII alphanumerics/],
    ['caf\u00e9', /contains a character other than/],
    ['a b', /contains a character other than/],
  ])('refuses %j with INVALID_TOPIC_EXCEPTION', (name, pattern) => {
    expect(topicNameProblem(name)).toMatch(pattern);
    let error: unknown;
    try {
      validateTopicName(name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KafkaError);
    expect((error as KafkaError).type).toBe('INVALID_TOPIC_EXCEPTION');
  });
});

describe('znode names', () => {
  it.each(['', '.', '..', 'a/b', 'a\u0000', 'tab\there', '\u0085', '\ud83d\ude00', '\ufff5'])(
    'refuses %j',
    (name) => {
      expect(nodeNameProblem(name)).toBeDefined();
      expect(zkDataError(() => validateNodeName(name, 'thing')).message).toMatch(
        /^invalid thing: /,
      );
    },
  );

  it('accepts ordinary names, including * and <default>', () => {
    for (const name of ['*', '<default>', 'User%3Aalice', '2001:db8::1', 'kafka-cluster']) {
      expect(validateNodeName(name, 'thing')).toBe(name);
    }
  });
});

describe('ids', () => {
  it('parses canonical decimal ids only', () => {
    expect(parseIdName('0', 'id')).toBe(0);
    expect(parseIdName('2147483647', 'id')).toBe(2147483647);
    for (const bad of ['', '-1', '+1', '01', '1.0', '2147483648', ' 1', '1e3']) {
      expect(isCanonicalId(bad)).toBe(false);
      expect(zkDataError(() => parseIdName(bad, 'broker id')).message).toMatch(
        /^invalid broker id: /,
      );
    }
  });
});

describe('base64 UUIDs', () => {
  it('generates 16 random bytes as 22 URL-safe base64 characters', () => {
    fc.assert(
      fc.property(fc.constant(0), () => {
        const id = randomBase64Uuid();
        expect(isBase64Uuid(id)).toBe(true);
        expect(Buffer.from(id, 'base64url')).toHaveLength(16);
      }),
      { numRuns: 50 },
    );
    expect(isBase64Uuid('AAAAAAAAAAAAAAAAAAAAAB')).toBe(false);
    expect(isBase64Uuid('AAAAAAAAAAAAAAAAAAAAA')).toBe(false);
    expect(isBase64Uuid('AAAAAAAAAAAAAAAAAAAA+A')).toBe(false);
  });
});
