import { LineMessageReader, lineReaderSettings } from '../../../../ops/tools/console/line-reader';

describe("console-producer line reader (Kafka's LineMessageReader)", () => {
  it('without parse.key the whole line is the value', () => {
    const reader = new LineMessageReader(lineReaderSettings(new Map()));
    expect(reader.read('a:b\tc')).toEqual({ key: null, value: 'a:b\tc' });
  });

  it('with parse.key splits at the first separator (TAB by default)', () => {
    const tab = new LineMessageReader(lineReaderSettings(new Map([['parse.key', 'true']])));
    expect(tab.read('k\tv\tw')).toEqual({ key: 'k', value: 'v\tw' });
    const colon = new LineMessageReader(
      lineReaderSettings(
        new Map([
          ['parse.key', 'TRUE '],
          ['key.separator', ':'],
        ]),
      ),
    );
    expect(colon.read('user1:hello:world')).toEqual({ key: 'user1', value: 'hello:world' });
    expect(colon.read('user2:')).toEqual({ key: 'user2', value: '' });
  });

  it('a line without the separator fails with its line number, unless ignore.error', () => {
    const reader = new LineMessageReader(
      lineReaderSettings(
        new Map([
          ['parse.key', 'true'],
          ['key.separator', ':'],
        ]),
      ),
    );
    reader.read('a:1');
    expect(() => reader.read('no key here')).toThrow('No key found on line 2: no key here');
    const lenient = new LineMessageReader(
      lineReaderSettings(
        new Map([
          ['parse.key', 'true'],
          ['ignore.error', 'true'],
        ]),
      ),
    );
    expect(lenient.read('plain')).toEqual({ key: null, value: 'plain' });
  });
});
