/**
 * `samsa leader-election` (Kafka 2.8's LeaderElectionCommand): its argument checks and messages,
 * the `--path-to-json-file` format, what it asks the admin client for, and Kafka's output lines
 * for elected, already-elected and failed partitions.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KafkaError } from '../../../../client/errors';
import type { ElectLeadersOptions, PartitionResult } from '../../../../client/admin/admin';
import { runLeaderElection } from '../../../../ops/tools/leader-election/leader-election-command';
import {
  LeaderElectionFlags,
  parseLeaderElectionCommand,
  parseReplicaElectionData,
} from '../../../../ops/tools/leader-election/leader-election-options';
import { kafkaExceptionName } from '../../../../ops/tools/leader-election/kafka-exception-name';
import { tempDir } from '../../../harness';
import { CollectedOutput } from '../collected-output';

const base: LeaderElectionFlags = {
  'bootstrap-server': 'localhost:9092',
  'election-type': 'preferred',
};

describe('arguments', () => {
  const parse = (flags: LeaderElectionFlags) => () => parseLeaderElectionCommand(flags);

  it("refuses missing or conflicting options with Kafka's messages", () => {
    expect(parse({ 'all-topic-partitions': true })).toThrow(
      'Missing required option(s): election-type, bootstrap-server',
    );
    expect(parse({ 'bootstrap-server': 'h:1', 'all-topic-partitions': true })).toThrow(
      'Missing required option(s): election-type',
    );
    const oneOf =
      'One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file';
    expect(parse(base)).toThrow(oneOf);
    expect(parse({ ...base, topic: 't', 'all-topic-partitions': true })).toThrow(oneOf);
    expect(parse({ ...base, topic: 't' })).toThrow('Missing required option(s): partition');
    expect(parse({ ...base, 'all-topic-partitions': true, partition: '0' })).toThrow(
      'Option partition is only allowed if topic is used',
    );
    expect(parse({ ...base, 'election-type': 'dirty', 'all-topic-partitions': true })).toThrow(
      "Cannot parse argument 'dirty' of option election-type: expected preferred or unclean",
    );
    expect(parse({ ...base, topic: 't', partition: 'x' })).toThrow(
      "Cannot parse argument 'x' of option partition",
    );
  });

  it('takes the election type in any case and one of the three partition choices', () => {
    expect(
      parseLeaderElectionCommand({
        ...base,
        'election-type': 'UNCLEAN',
        topic: 't',
        partition: '2',
      }),
    ).toEqual({
      bootstrapServer: 'localhost:9092',
      electionType: 'UNCLEAN',
      partitions: { kind: 'one', tp: { topic: 't', partition: 2 } },
    });
    expect(
      parseLeaderElectionCommand({ ...base, 'all-topic-partitions': true }).partitions,
    ).toEqual({
      kind: 'all',
    });
    expect(
      parseLeaderElectionCommand({ ...base, 'path-to-json-file': 'f.json' }).partitions,
    ).toEqual({
      kind: 'file',
      path: 'f.json',
    });
  });
});

describe('--path-to-json-file', () => {
  it('reads {"partitions": [{"topic", "partition"}]}', () => {
    expect(
      parseReplicaElectionData(
        '{"partitions": [{"topic": "foo", "partition": 1}, {"topic": "bar", "partition": 0}]}',
      ),
    ).toEqual([
      { topic: 'foo', partition: 1 },
      { topic: 'bar', partition: 0 },
    ]);
  });

  it("refuses empty, unreadable and duplicate data with Kafka's messages", () => {
    expect(() => parseReplicaElectionData('')).toThrow('Replica election data is empty');
    expect(() => parseReplicaElectionData('{not json')).toThrow('Replica election data is empty');
    expect(() => parseReplicaElectionData('{"version":1}')).toThrow(
      'Replica election data is missing "partitions" field',
    );
    expect(() =>
      parseReplicaElectionData(
        '{"partitions": [{"topic": "foo", "partition": 1}, {"topic": "foo", "partition": 1}]}',
      ),
    ).toThrow('Replica election data contains duplicate partitions: foo-1');
    expect(() => parseReplicaElectionData('{"partitions": [{"topic": "foo"}]}')).toThrow(
      'every entry needs "topic" (a string) and "partition" (an integer >= 0)',
    );
  });
});

class FakeElectionAdmin {
  requests: ElectLeadersOptions[] = [];
  connected = false;
  constructor(private readonly results: PartitionResult[]) {}
  async connect(): Promise<void> {
    this.connected = true;
  }
  async disconnect(): Promise<void> {
    this.connected = false;
  }
  async electLeaders(options: ElectLeadersOptions): Promise<PartitionResult[]> {
    this.requests.push(options);
    return this.results;
  }
}

const ok = (topic: string, partition: number): PartitionResult => ({
  topic,
  partition,
  error: null,
});
const failed = (topic: string, partition: number, error: KafkaError): PartitionResult => ({
  topic,
  partition,
  error,
});

describe('running an election', () => {
  it("prints Kafka's lines: elected partitions, then those that needed no election", async () => {
    const admin = new FakeElectionAdmin([
      ok('foo', 2),
      failed('foo', 1, new KafkaError('ELECTION_NOT_NEEDED')),
      ok('bar', 0),
    ]);
    const output = new CollectedOutput();
    await runLeaderElection(
      parseLeaderElectionCommand({ ...base, 'all-topic-partitions': true }),
      admin,
      output,
    );
    expect(output.lines()).toEqual([
      'Successfully completed leader election (PREFERRED) for partitions bar-0, foo-2',
      'Valid replica already elected for partitions foo-1',
    ]);
    expect(admin.requests).toEqual([
      { electionType: 'PREFERRED', topicPartitions: undefined, timeout: 15000 },
    ]);
    expect(admin.connected).toBe(false);
  });

  it('prints each failed partition with its exception and fails with the count', async () => {
    const message =
      'Failed to elect leader for partition foo-0 under strategy OfflinePartitionLeaderElectionStrategy(true)';
    const admin = new FakeElectionAdmin([
      failed(
        'foo',
        0,
        new KafkaError('ELIGIBLE_LEADERS_NOT_AVAILABLE', message, {
          broker: 1,
          topic: 'foo',
          partition: 0,
        }),
      ),
      ok('foo', 1),
    ]);
    const output = new CollectedOutput();
    const command = parseLeaderElectionCommand({
      ...base,
      'election-type': 'unclean',
      topic: 'foo',
      partition: '0',
    });
    await expect(runLeaderElection(command, admin, output)).rejects.toThrow(
      '1 replica(s) could not be elected',
    );
    expect(output.lines()).toEqual([
      'Successfully completed leader election (UNCLEAN) for partitions foo-1',
      `Error completing leader election (UNCLEAN) for partition: foo-0: org.apache.kafka.common.errors.EligibleLeadersNotAvailableException: ${message}`,
    ]);
    expect(admin.requests[0].topicPartitions).toEqual([{ topic: 'foo', partitions: [0] }]);
  });

  it('asks for the partitions of the JSON file, grouped by topic', async () => {
    const dir = await tempDir('leader-election');
    const file = path.join(dir, 'election.json');
    await fs.writeFile(
      file,
      '{"partitions": [{"topic": "foo", "partition": 1}, {"topic": "bar", "partition": 0}, {"topic": "foo", "partition": 3}]}',
    );
    const admin = new FakeElectionAdmin([]);
    await runLeaderElection(
      parseLeaderElectionCommand({ ...base, 'path-to-json-file': file }),
      admin,
      new CollectedOutput(),
    );
    expect(admin.requests[0].topicPartitions).toEqual([
      { topic: 'foo', partitions: [1, 3] },
      { topic: 'bar', partitions: [0] },
    ]);
  });

  it('a file that cannot be read fails before connecting', async () => {
    const admin = new FakeElectionAdmin([]);
    await expect(
      runLeaderElection(
        parseLeaderElectionCommand({ ...base, 'path-to-json-file': '/nonexistent/election.json' }),
        admin,
        new CollectedOutput(),
      ),
    ).rejects.toThrow(/^cannot read \/nonexistent\/election.json: /);
    expect(admin.requests).toEqual([]);
  });
});

describe('kafkaExceptionName', () => {
  it("names Kafka's exception classes", () => {
    expect(kafkaExceptionName('PREFERRED_LEADER_NOT_AVAILABLE')).toBe(
      'org.apache.kafka.common.errors.PreferredLeaderNotAvailableException',
    );
    expect(kafkaExceptionName('UNKNOWN_TOPIC_OR_PARTITION')).toBe(
      'org.apache.kafka.common.errors.UnknownTopicOrPartitionException',
    );
    expect(kafkaExceptionName('INVALID_TOPIC_EXCEPTION')).toBe(
      'org.apache.kafka.common.errors.InvalidTopicException',
    );
    expect(kafkaExceptionName('REQUEST_TIMED_OUT')).toBe(
      'org.apache.kafka.common.errors.TimeoutException',
    );
  });
});
