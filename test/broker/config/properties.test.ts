import fc from 'fast-check';
import { ConfigError } from '../../../broker/config/config-error';
import {
  formatProperties,
  parseOverrides,
  parseProperties,
} from '../../../broker/config/properties';

function parse(text: string): Record<string, string> {
  return Object.fromEntries(parseProperties(text, 'test.properties'));
}

describe('parseProperties: separators and whitespace', () => {
  test.each([
    ['a=b', 'b'],
    ['a:b', 'b'],
    ['a b', 'b'],
    ['a = b', 'b'],
    ['a\t:\tb', 'b'],
    ['a \f b', 'b'],
    ['   a=b', 'b'],
    ['a==b', '=b'],
    ['a =:b', ':b'],
    ['a  b=c', 'b=c'],
  ])('%j gives key a, value %j', (line, value) => {
    expect(parse(line)).toEqual({ a: value });
  });

  test('a key without value gives the empty string', () => {
    expect(parse('a\nb=\nc:   \nd   ')).toEqual({ a: '', b: '', c: '', d: '' });
  });

  test('trailing whitespace of a value is kept, leading whitespace dropped', () => {
    expect(parse('a =   b c  ')).toEqual({ a: 'b c  ' });
  });

  test('an empty key is allowed', () => {
    expect(parse('=x')).toEqual({ '': 'x' });
    expect(parse(':y')).toEqual({ '': 'y' });
  });

  test('raw non-ASCII text is kept as is (files are read as UTF-8)', () => {
    expect(parse('ключ=значение ✓')).toEqual({ ключ: 'значение ✓' });
  });
});

describe('parseProperties: comments and blank lines', () => {
  test('# and ! start comments, also after leading whitespace; blank lines are skipped', () => {
    const text = '# one\n! two\n   # three\n\t! four\n\n   \n\f\na=b\n';
    expect(parse(text)).toEqual({ a: 'b' });
  });

  test('# inside a value is not a comment', () => {
    expect(parse('a=b # not a comment')).toEqual({ a: 'b # not a comment' });
  });

  test('a comment ending in a backslash does not continue', () => {
    expect(parse('# comment \\\na=b')).toEqual({ a: 'b' });
  });
});

describe('parseProperties: line continuations', () => {
  test('a trailing backslash joins the next line, dropping its leading whitespace', () => {
    expect(parse('a=one \\\n      two \\\n\tthree')).toEqual({ a: 'one two three' });
  });

  test('an even number of trailing backslashes does not continue', () => {
    expect(parse('a=x\\\\\nb=y')).toEqual({ a: 'x\\', b: 'y' });
  });

  test('three trailing backslashes: one escaped backslash, then a continuation', () => {
    expect(parse('a=x\\\\\\\ny')).toEqual({ a: 'x\\y' });
  });

  test('a continued line starting with # is content, not a comment', () => {
    expect(parse('a=x\\\n  #y')).toEqual({ a: 'x#y' });
  });

  test('a continuation into an empty line ends the value there', () => {
    expect(parse('a=b\\\n\nc=d')).toEqual({ a: 'b', c: 'd' });
  });

  test('a backslash at the very end of the file is dropped', () => {
    expect(parse('a=b\\')).toEqual({ a: 'b' });
  });

  test('continuations work with \\r\\n and with \\r line endings', () => {
    expect(parse('a=b\\\r\n   c\r\nd=e')).toEqual({ a: 'bc', d: 'e' });
    expect(parse('a=b\\\r   c\rd=e')).toEqual({ a: 'bc', d: 'e' });
  });

  test('a key can continue across lines too', () => {
    expect(parse('log.\\\n   dirs=/x')).toEqual({ 'log.dirs': '/x' });
  });
});

describe('parseProperties: escapes', () => {
  test('\\t \\n \\r \\f are control characters', () => {
    expect(parse('a=1\\t2\\n3\\r4\\f5')).toEqual({ a: '1\t2\n3\r4\f5' });
  });

  test('\\uXXXX is a UTF-16 code unit, surrogate pairs included', () => {
    expect(parse('a=\\u0041\\u00e9\\u00E9\\ud83d\\ude00')).toEqual({ a: 'Aéé😀' });
  });

  test('escaped separators and spaces belong to the key', () => {
    expect(parse('a\\=b=c')).toEqual({ 'a=b': 'c' });
    expect(parse('a\\:b:c')).toEqual({ 'a:b': 'c' });
    expect(parse('a\\ b c')).toEqual({ 'a b': 'c' });
  });

  test('a backslash before any other character stands for that character', () => {
    expect(parse('\\#a=\\\\x\\q\\=')).toEqual({ '#a': '\\xq=' });
  });

  test('an escaped leading space of a value is kept', () => {
    expect(parse('a=\\  b')).toEqual({ a: '  b' });
  });

  test('a malformed \\u escape is a one-line error with the line number', () => {
    const text = '# c\r\na=ok\\\n  x\nb=\\u12g4';
    expect(() => parseProperties(text, 'server.properties')).toThrow(
      new ConfigError('Malformed \\uxxxx encoding in server.properties line 4'),
    );
    expect(() => parse('a=\\u12')).toThrow(ConfigError);
  });
});

describe('parseProperties: repeated keys', () => {
  test('a later key overrides an earlier one', () => {
    expect(parse('a=1\nb=2\na=3')).toEqual({ a: '3', b: '2' });
  });
});

describe('formatProperties', () => {
  test('escapes as Properties.store does, writing ASCII only', () => {
    const text = formatProperties([
      ['a b', ' x=y#z:!\\\n'],
      ['é', 'tab\there  '],
    ]);
    expect(text).toBe('a\\ b=\\ x\\=y\\#z\\:\\!\\\\\\n\né=tab\\there  \n'.replace('é', '\\u00e9'));
  });

  test('any map of keys and values survives a round trip through a properties file', () => {
    const chars = fc.oneof(
      fc.constantFrom(' ', '\t', '\n', '\r', '\f', '\\', '=', ':', '#', '!', 'u', '\u0000', 'é'),
      fc.string({ unit: 'binary', maxLength: 3 }),
    );
    const text = fc.array(chars, { maxLength: 12 }).map((parts) => parts.join(''));
    const entries = fc.uniqueArray(fc.tuple(text, text), { selector: ([key]) => key });
    fc.assert(
      fc.property(entries, (pairs) => {
        const parsed = parseProperties(formatProperties(pairs));
        expect([...parsed.entries()]).toEqual(pairs);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseOverrides', () => {
  test('splits at the first =, so values may contain =; keys are trimmed', () => {
    const overrides = parseOverrides(['broker.id=2', 'a=b=c', ' k =v ', 'empty=']);
    expect(Object.fromEntries(overrides)).toEqual({
      'broker.id': '2',
      a: 'b=c',
      k: 'v ',
      empty: '',
    });
  });

  test('a later override of the same key wins', () => {
    expect(parseOverrides(['a=1', 'a=2']).get('a')).toBe('2');
  });

  test.each(['broker.id', '=5', '', '  =x'])('%j without a key=value shape is an error', (arg) => {
    expect(() => parseOverrides([arg])).toThrow(
      new ConfigError(`Invalid --override argument '${arg}': expected key=value`),
    );
  });
});
