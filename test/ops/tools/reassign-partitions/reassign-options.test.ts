/**
 * `samsa reassign-partitions` arguments (Kafka 2.8's validateAndParseArgs): one action, the
 * bootstrap server, each action's required options and the options it refuses, with Kafka's
 * messages.
 */
import {
  ReassignFlags,
  parseReassignCommand,
} from '../../../../ops/tools/reassign-partitions/reassign-options';

const parse = (flags: ReassignFlags) => () => parseReassignCommand(flags);
const server = { 'bootstrap-server': 'localhost:9092' };

it('needs exactly one action and --bootstrap-server', () => {
  const one =
    'Command must include exactly one action: --generate, --execute, --verify, --cancel, --list';
  expect(parse(server)).toThrow(one);
  expect(parse({ ...server, list: true, verify: true })).toThrow(one);
  expect(parse({ list: true })).toThrow('Please specify --bootstrap-server');
});

it("names each action's missing required option", () => {
  expect(parse({ ...server, generate: true, 'broker-list': '1,2' })).toThrow(
    'Missing required argument "[topics-to-move-json-file]"',
  );
  expect(parse({ ...server, generate: true, 'topics-to-move-json-file': 'f' })).toThrow(
    'Missing required argument "[broker-list]"',
  );
  for (const action of ['execute', 'verify', 'cancel'] as const) {
    expect(parse({ ...server, [action]: true })).toThrow(
      'Missing required argument "[reassignment-json-file]"',
    );
  }
});

it('refuses options the action does not take', () => {
  expect(
    parse({ ...server, verify: true, 'reassignment-json-file': 'f', additional: true }),
  ).toThrow('Option "[additional]" can\'t be used with action "[verify]"');
  expect(parse({ ...server, list: true, 'broker-list': '1' })).toThrow(
    'Option "[broker-list]" can\'t be used with action "[list]"',
  );
  expect(
    parse({
      ...server,
      execute: true,
      'reassignment-json-file': 'f',
      'topics-to-move-json-file': 't',
    }),
  ).toThrow('Option "[topics-to-move-json-file]" can\'t be used with action "[execute]"');
});

it('gives the validated command', () => {
  expect(
    parseReassignCommand({
      ...server,
      execute: true,
      'reassignment-json-file': 'plan.json',
      additional: true,
    }),
  ).toEqual({
    action: 'execute',
    bootstrapServer: 'localhost:9092',
    reassignmentJsonFile: 'plan.json',
    topicsToMoveJsonFile: undefined,
    brokerList: undefined,
    additional: true,
  });
});
