/**
 * The program of a consumer-group member in a child process (group-helpers.ts `MemberProcess`,
 * for the SIGKILL tests): `node <dist>/test/fault/group-member-process.js '<MemberSpec JSON>'`.
 * It joins the group, prints one JSON line on stdout per event —
 * `{"t":"join","id":memberId,"l":isLeader,"ps":[partitions]}`,
 * `{"t":"rec","p":partition,"o":offset,"v":id}` (before the handler returns, so a record counted
 * as handled is always printed), `{"t":"commit","ps":[[partition,offset],...]}`,
 * `{"t":"crash","error":message}` — and on SIGTERM disconnects (commits and leaves the group),
 * prints `{"t":"stopped"}` and exits 0. Its log goes to stderr.
 */
import { ConsumerEvents, Samsa } from '../../client';
import {
  CONSUMER_RETRY,
  HEARTBEAT_INTERVAL_MS,
  REBALANCE_TIMEOUT_MS,
  SESSION_TIMEOUT_MS,
} from './group-helpers';

/** What the member child process is told (JSON in its first argument). */
export interface MemberSpec {
  readonly brokers: string[];
  readonly clientId: string;
  readonly groupId: string;
  readonly topic: string;
  readonly autoCommitInterval: number;
}

export type ChildEvent =
  | { t: 'join'; id: string; l: boolean; ps: number[] }
  | { t: 'rec'; p: number; o: number; v: string }
  | { t: 'commit'; ps: [number, number][] }
  | { t: 'crash'; error: string }
  | { t: 'stopped' };

/** The child process's program: one consumer-group member printing its events. */
async function runMemberProcess(spec: MemberSpec): Promise<void> {
  const print = (event: ChildEvent): void => {
    process.stdout.write(`${JSON.stringify(event)}\n`);
  };
  const consumer = new Samsa({
    clientId: spec.clientId,
    brokers: spec.brokers,
    retry: CONSUMER_RETRY,
  }).consumer({
    groupId: spec.groupId,
    sessionTimeout: SESSION_TIMEOUT_MS,
    heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    rebalanceTimeout: REBALANCE_TIMEOUT_MS,
    autoCommitInterval: spec.autoCommitInterval,
    maxWaitTimeInMs: 200,
    metadataMaxAge: 5000,
  });
  consumer.on(ConsumerEvents.GROUP_JOIN, ({ payload }) =>
    print({
      t: 'join',
      id: payload.memberId,
      l: payload.isLeader,
      ps: payload.memberAssignment[spec.topic] ?? [],
    }),
  );
  consumer.on(ConsumerEvents.COMMIT_OFFSETS, ({ payload }) =>
    print({
      t: 'commit',
      ps: payload.topics
        .filter((t) => t.topic === spec.topic)
        .flatMap((t) => t.partitions.map((p): [number, number] => [p.partition, p.offset])),
    }),
  );
  consumer.on(ConsumerEvents.CRASH, ({ payload }) =>
    print({ t: 'crash', error: payload.error.message }),
  );
  process.once('SIGTERM', () => {
    void consumer.disconnect().then(
      () => {
        print({ t: 'stopped' });
        process.exit(0);
      },
      (error: Error) => {
        process.stderr.write(`disconnect failed: ${error.stack ?? error.message}\n`);
        process.exit(1);
      },
    );
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [spec.topic], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      print({ t: 'rec', p: partition, o: message.offset, v: message.value?.toString() ?? '' });
    },
  });
}

if (require.main === module) {
  runMemberProcess(JSON.parse(process.argv[2]) as MemberSpec).catch((error: Error) => {
    process.stderr.write(`member failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
