/**
 * `samsa e2e-latency broker_list topic num_messages producer_acks message_size_bytes
 * [properties_file]`: Kafka's EndToEndLatency. One message at a time: send it (linger 0) and
 * wait for the acknowledgement, then poll the consumer (which reads every partition of the topic
 * from its end, fetch wait 0) until the message comes back; the time from send to receipt is the
 * latency. It checks that exactly that message came back. A missing topic is created first
 * (1 partition, replication factor 1), with Kafka's notice.
 *
 * Output (Kafka's lines): every 1000th message `i⇥latency-ms`, then
 *
 *   Avg latency: 3.4210 ms
 *   (an empty line)
 *   Percentiles: 50th = 3, 99th = 9, 99.9th = 21
 *
 * where the percentiles are whole milliseconds (element floor(p * n) of the sorted latencies).
 */
import { UsageError } from '../console/command-line';
import type { ConsumedRecord } from '../console/message-formatter';
import type { ToolOutput } from '../console/output';
import { AcksSetting, parseAcks } from '../console/producer-config';
import { percentiles } from './producer-stats';
import { randomPayload } from './producer-perf-test';

export interface E2eLatencyCommand {
  brokerList: string;
  topic: string;
  numMessages: number;
  acks: AcksSetting;
  messageSize: number;
  propertiesFile?: string;
}

const USAGE =
  'USAGE: samsa e2e-latency broker_list topic num_messages producer_acks message_size_bytes [optional] properties_file';

/** Kafka's positional arguments and checks. */
export function parseE2eLatencyCommand(args: readonly string[]): E2eLatencyCommand {
  if (args.length !== 5 && args.length !== 6) throw new UsageError(USAGE);
  const [brokerList, topic, numText, acksText, sizeText, propertiesFile] = args;
  const whole = (what: string, text: string, min: number): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new UsageError(`${what} must be a whole number >= ${min}, got '${text}'. ${USAGE}`);
    }
    return n;
  };
  if (acksText !== '1' && acksText !== 'all') {
    throw new UsageError(
      'Latency testing requires synchronous acknowledgement. Please use 1 or all',
    );
  }
  return {
    brokerList,
    topic,
    numMessages: whole('num_messages', numText, 1),
    acks: parseAcks(acksText),
    messageSize: whole('message_size_bytes', sizeText, 0),
    propertiesFile: propertiesFile === '' ? undefined : propertiesFile,
  };
}

/** The clients the test drives. */
export interface LatencyPeers {
  /** Sends one message and waits for its acknowledgement. */
  sendAndWait(value: Buffer): Promise<void>;
  /** The records that arrived, waiting up to `timeoutMs` for the first. */
  poll(timeoutMs: number): Promise<ConsumedRecord[]>;
}

const POLL_TIMEOUT_MS = 60000;

/** Runs the test; resolves to the exit code. `nowNs` is a monotonic clock in nanoseconds. */
export async function runE2eLatency(
  command: E2eLatencyCommand,
  peers: LatencyPeers,
  output: ToolOutput,
  nowNs: () => number = () => Number(process.hrtime.bigint()),
): Promise<number> {
  const latencies: number[] = [];
  let totalNs = 0;
  for (let i = 0; i < command.numMessages; i++) {
    const message = randomPayload(command.messageSize);
    const begin = nowNs();
    await peers.sendAndWait(message);
    let records: ConsumedRecord[] = [];
    const deadline = begin + POLL_TIMEOUT_MS * 1e6;
    while (records.length === 0 && nowNs() < deadline) {
      records = await peers.poll(Math.max(1, Math.ceil((deadline - nowNs()) / 1e6)));
    }
    const elapsedNs = nowNs() - begin;
    if (records.length === 0) {
      throw new Error(`poll() timed out before finding a result (timeout:[${POLL_TIMEOUT_MS}])`);
    }
    const read = records[0].value ?? Buffer.alloc(0);
    if (!read.equals(message)) {
      throw new Error(
        `The message read [${read.toString('utf8')}] did not match the message sent [${message.toString('utf8')}]`,
      );
    }
    if (records.length > 1) {
      throw new Error(
        `Only one result was expected during this test. We found [${records.length}]`,
      );
    }
    if (i % 1000 === 0) await output.stdout(`${i}\t${elapsedNs / 1e6}\n`);
    totalNs += elapsedNs;
    latencies.push(Math.floor(elapsedNs / 1e6));
  }
  await output.stdout(`Avg latency: ${(totalNs / command.numMessages / 1e6).toFixed(4)} ms\n\n`);
  const [p50, p99, p999] = percentiles(latencies, [0.5, 0.99, 0.999]);
  await output.stdout(`Percentiles: 50th = ${p50}, 99th = ${p99}, 99.9th = ${p999}\n`);
  return 0;
}
