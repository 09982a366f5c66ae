import yargs from 'yargs';
import { consumerGroupsCommand } from '../../../../ops/commands/consumer-groups';
import {
  ConsumerGroupFlags,
  DRY_RUN_WARNING,
  parseConsumerGroupCommand,
  parseStates,
  parseTopicArgument,
} from '../../../../ops/tools/consumer-groups/group-options';

const parse = (flags: ConsumerGroupFlags) =>
  parseConsumerGroupCommand({ 'bootstrap-server': 'localhost:9092', ...flags });

describe('consumer-groups command line: Kafka’s checks and messages', () => {
  it.each<[string, ConsumerGroupFlags, string]>([
    [
      'no action',
      {},
      'Command must include exactly one action: --list, --describe, --delete, --reset-offsets',
    ],
    [
      'two actions',
      { list: true, delete: true, group: 'g' },
      'Option "[group]" can\'t be used with option "[list]"',
    ],
    [
      '--list with --delete',
      { list: true, delete: true, 'all-groups': true },
      'Command must include exactly one action: --list, --describe, --delete, --reset-offsets',
    ],
    [
      '--describe without a group',
      { describe: true },
      'Option [describe] takes one of these options: [group], [all-groups]',
    ],
    [
      'two describe views',
      { describe: true, group: 'g', members: true, state: '' },
      'Option [describe] takes at most one of these options: [members], [offsets], [state]',
    ],
    [
      '--describe --state with a value',
      { describe: true, group: 'g', state: 'Stable' },
      'Option [describe] does not take a value for [state]',
    ],
    [
      '--delete without a group',
      { delete: true },
      'Option [delete] takes one of these options: [group], [all-groups]',
    ],
    [
      '--delete with --topic',
      { delete: true, group: 'g', topic: 't' },
      'The consumer does not support topic-specific offset deletion from a consumer group.',
    ],
    [
      '--group with --all-groups',
      { describe: true, group: 'g', 'all-groups': true },
      'Option "[group]" can\'t be used with option "[all-groups]"',
    ],
    [
      '--topic with --describe',
      { describe: true, group: 'g', topic: 't' },
      'Option "[topic]" can\'t be used with option "[describe]"',
    ],
    [
      '--members without --describe',
      { list: true, members: true },
      'Option(s) [members] are unavailable given other options on the command line',
    ],
    [
      '--state with --delete',
      { delete: true, group: 'g', state: '' },
      'Option(s) [state] are unavailable given other options on the command line',
    ],
    [
      '--reset-offsets with --execute and --dry-run',
      {
        'reset-offsets': true,
        group: 'g',
        execute: true,
        'dry-run': true,
        'to-earliest': true,
        topic: 't',
      },
      'Option [reset-offsets] only accepts one of [execute] and [dry-run]',
    ],
    [
      '--reset-offsets without a group',
      { 'reset-offsets': true, 'to-earliest': true, topic: 't', execute: true },
      'Option [reset-offsets] takes one of these options: [group], [all-groups]',
    ],
    [
      'two scenarios',
      { 'reset-offsets': true, group: 'g', 'to-earliest': true, 'to-offset': '3', topic: 't' },
      'Option "[to-offset]" can\'t be used with option "[to-earliest]"',
    ],
    [
      'no scenario',
      { 'reset-offsets': true, group: 'g', topic: 't' },
      "Option '[reset-offsets]' requires one of the following scenarios: [to-offset], [shift-by], [to-datetime], [by-duration], [to-earliest], [to-latest], [to-current], [from-file]",
    ],
    [
      'no scope',
      { 'reset-offsets': true, group: 'g', 'to-latest': true },
      'One of the reset scopes should be defined: --all-topics, --topic.',
    ],
    [
      'a bad partition list',
      { 'reset-offsets': true, group: 'g', 'to-latest': true, topic: 't:0,x' },
      'For input string: "x"',
    ],
    [
      'a bad --to-offset',
      { 'reset-offsets': true, group: 'g', topic: 't', 'to-offset': '1.5' },
      "Cannot parse argument '1.5' of option to-offset",
    ],
    [
      'a bad --to-datetime',
      { 'reset-offsets': true, group: 'g', topic: 't', 'to-datetime': '2021-01-01 10:00:00' },
      "Error parsing timestamp. It does not contain a 'T' according to ISO8601 format",
    ],
    [
      'a bad --by-duration',
      { 'reset-offsets': true, group: 'g', topic: 't', 'by-duration': '1h' },
      'Text cannot be parsed to a Duration',
    ],
    [
      'a bad --list --state',
      { list: true, state: 'Stable,Running' },
      "Invalid state list 'Stable,Running'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty",
    ],
    [
      'a bad --timeout',
      { list: true, timeout: 'soon' },
      "Cannot parse argument 'soon' of option timeout",
    ],
  ])('%s', (_name, flags, message) => {
    expect(() => parse(flags)).toThrow(message);
  });

  it('requires --bootstrap-server', () => {
    expect(() => parseConsumerGroupCommand({ list: true })).toThrow(
      'Missing required argument "[bootstrap-server]"',
    );
  });

  it('describes with the offsets view by default, and the named view otherwise', () => {
    expect(parse({ describe: true, group: ['a', 'b', 'a'] }).command).toEqual({
      action: 'describe',
      bootstrapServer: 'localhost:9092',
      timeoutMs: 5000,
      scope: { allGroups: false, groups: ['a', 'b'] },
      view: 'offsets',
      verbose: false,
    });
    expect(
      parse({ describe: true, 'all-groups': true, members: true, verbose: true }).command,
    ).toMatchObject({
      scope: { allGroups: true },
      view: 'members',
      verbose: true,
    });
    expect(parse({ describe: true, group: 'g', state: '' }).command).toMatchObject({
      view: 'state',
    });
  });

  it('--reset-offsets without --execute or --dry-run carries Kafka’s WARN notice', () => {
    const dry = parse({
      'reset-offsets': true,
      group: 'g',
      topic: ['t', 'u:1,2'],
      'to-offset': '-3',
    });
    expect(dry.notices).toEqual([DRY_RUN_WARNING]);
    expect(dry.command).toEqual({
      action: 'reset-offsets',
      bootstrapServer: 'localhost:9092',
      timeoutMs: 5000,
      scope: { allGroups: false, groups: ['g'] },
      topics: { allTopics: false, topics: [{ topic: 't' }, { topic: 'u', partitions: [1, 2] }] },
      scenario: { kind: 'to-offset', offset: -3 },
      execute: false,
      export: false,
    });
    expect(
      parse({
        'reset-offsets': true,
        group: 'g',
        'all-topics': true,
        'to-latest': true,
        'dry-run': true,
      }).notices,
    ).toEqual([]);
  });

  it('--from-file needs no scope', () => {
    expect(
      parse({ 'reset-offsets': true, 'all-groups': true, 'from-file': 'plan.csv', execute: true })
        .command,
    ).toMatchObject({
      topics: undefined,
      scenario: { kind: 'from-file', file: 'plan.csv' },
      execute: true,
    });
  });

  it('parses --timeout, --to-datetime and --by-duration values', () => {
    expect(parse({ list: true, timeout: '20000' }).command.timeoutMs).toBe(20000);
    expect(
      parse({
        'reset-offsets': true,
        group: 'g',
        topic: 't',
        'to-datetime': '2021-03-04T05:06:07.089',
      }).command,
    ).toMatchObject({
      scenario: { kind: 'to-datetime', timestamp: Date.UTC(2021, 2, 4, 5, 6, 7, 89) },
    });
    expect(
      parse({ 'reset-offsets': true, group: 'g', topic: 't', 'by-duration': 'P1DT2H' }).command,
    ).toMatchObject({ scenario: { kind: 'by-duration', durationMs: 93_600_000 } });
  });

  it('parses --state lists and topic:partition arguments', () => {
    expect(parseStates('')).toEqual([]);
    expect(parseStates('stable, EMPTY,Stable')).toEqual(['Stable', 'Empty']);
    expect(parseTopicArgument('orders')).toEqual({ topic: 'orders' });
    expect(parseTopicArgument('orders:0,3')).toEqual({ topic: 'orders', partitions: [0, 3] });
  });
});

describe('consumer-groups yargs command', () => {
  /** What the handler would receive, without running it. */
  async function flagsOf(args: string[]): Promise<ConsumerGroupFlags> {
    let seen: ConsumerGroupFlags | undefined;
    await yargs()
      .command({ ...consumerGroupsCommand, handler: (flags) => void (seen = flags) })
      .strict()
      .fail((message, error) => {
        throw error ?? new Error(message);
      })
      .parseAsync(['consumer-groups', ...args]);
    return seen as ConsumerGroupFlags;
  }

  it('keeps Kafka’s flag spelling and gives --state alone as an empty value', async () => {
    const flags = await flagsOf([
      '--bootstrap-server',
      'b:9092',
      '--describe',
      '--group',
      'g1',
      '--group',
      'g2',
      '--state',
    ]);
    expect(parseConsumerGroupCommand(flags).command).toMatchObject({
      action: 'describe',
      bootstrapServer: 'b:9092',
      scope: { allGroups: false, groups: ['g1', 'g2'] },
      view: 'state',
    });
  });

  it('takes --list --state with a value and --reset-offsets flags', async () => {
    expect(
      parseConsumerGroupCommand(
        await flagsOf(['--bootstrap-server', 'b:1', '--list', '--state', 'Stable']),
      ).command,
    ).toMatchObject({ action: 'list', states: ['Stable'] });
    const reset = await flagsOf([
      '--bootstrap-server',
      'b:1',
      '--reset-offsets',
      '--group',
      'g',
      '--topic',
      't:0',
      '--shift-by',
      '-5',
      '--execute',
    ]);
    expect(parseConsumerGroupCommand(reset).command).toMatchObject({
      scenario: { kind: 'shift-by', shift: -5 },
      execute: true,
    });
  });

  it('rejects flags Kafka’s tool has but samsa does not (--delete-offsets)', async () => {
    await expect(
      flagsOf(['--bootstrap-server', 'b:1', '--delete-offsets', '--group', 'g']),
    ).rejects.toThrow(/Unknown argument/);
  });
});
