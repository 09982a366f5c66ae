import net from 'net';
import { KafkaError } from '../../../client/errors';
import { Connection, ConnectionOptions } from '../../../client/network/connection';
import { ApiKey, ResponseInit, versionRanges } from '../../../client/protocol/apis';
import { DecodedRequest, decodeRequest, encodeResponse } from '../../../client/protocol/codec';
import { FrameDecoder } from '../../../client/protocol/framing';
import { CorrelationMismatchError } from '../../../client/protocol/protocol-errors';
import { captureLogger, closeServer, eventually, listen } from './helpers';

/**
 * A scripted broker: decodes every request and passes it to `onRequest` with a function that
 * writes raw response frames. ApiVersions is answered with every API unless `apiVersions` says
 * otherwise.
 */
interface ScriptedBroker {
  port: number;
  requests: DecodedRequest[];
  sockets: Set<net.Socket>;
  stop(): Promise<void>;
}

type Respond = (frame: Buffer) => void;

const brokers: ScriptedBroker[] = [];
const connections: Connection[] = [];

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close();
  await Promise.all(brokers.splice(0).map((broker) => broker.stop()));
});

async function scriptedBroker(
  onRequest: (request: DecodedRequest, respond: Respond) => void,
  apiVersions: ResponseInit<typeof ApiKey.ApiVersions> = { apiKeys: versionRanges() },
): Promise<ScriptedBroker> {
  const requests: DecodedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const decoder = new FrameDecoder();
    const respond: Respond = (frame) => socket.write(frame);
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        const request = decodeRequest(frame);
        if (request.apiKey === ApiKey.ApiVersions) {
          respond(encodeResponse(ApiKey.ApiVersions, request.correlationId, apiVersions));
        } else {
          requests.push(request);
          onRequest(request, respond);
        }
      }
    });
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  const broker = { port, requests, sockets, stop: () => closeServer(server, sockets) };
  brokers.push(broker);
  return broker;
}

/** Answers Metadata requests with the requested topic names. */
function echo(request: DecodedRequest, respond: Respond): void {
  if (request.apiKey !== ApiKey.Metadata) throw new Error('expected Metadata');
  respond(
    encodeResponse(ApiKey.Metadata, request.correlationId, {
      topics: request.body.topics.map((topic) => ({ name: topic.name })),
    }),
  );
}

function connect(port: number, options: Partial<ConnectionOptions> = {}): Connection {
  const connection = new Connection({
    host: '127.0.0.1',
    port,
    clientId: 'test',
    brokerId: 7,
    logger: captureLogger().log,
    ...options,
  });
  connections.push(connection);
  return connection;
}

function metadata(connection: Connection, name: string, timeoutMs?: number) {
  return connection.request(ApiKey.Metadata, { topics: [{ name }] }, { timeoutMs });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

describe('Connection', () => {
  test('a refused connection fails with a retriable NETWORK_EXCEPTION naming the broker', async () => {
    const connection = connect(await freePort());
    const error = await connection.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaError);
    expect(error).toMatchObject({ type: 'NETWORK_EXCEPTION', retriable: true, broker: 7 });
    expect(connection.state).toBe('closed');
  });

  test('connecting times out when the broker never answers ApiVersions', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    const port = await listen(silent);
    brokers.push({ port, requests: [], sockets, stop: () => closeServer(silent, sockets) });
    const connection = connect(port, { connectTimeoutMs: 100 });
    await expect(connection.connect()).rejects.toThrow(/timed out after 100 ms connecting/);
  });

  test('negotiates versions and fails requests for APIs the broker lacks without sending them', async () => {
    const broker = await scriptedBroker(echo, {
      apiKeys: versionRanges([ApiKey.Metadata, ApiKey.ApiVersions]),
    });
    const connection = connect(broker.port);
    await expect(connection.request(ApiKey.Fetch, {})).rejects.toMatchObject({
      type: 'UNSUPPORTED_VERSION',
      message: 'UNSUPPORTED_VERSION: the broker does not support Fetch (broker 7)',
    });
    expect((await metadata(connection, 'ok')).topics[0].name).toBe('ok');
    expect(broker.requests.map((request) => request.apiKey)).toEqual([ApiKey.Metadata]);
  });

  test('an ApiVersions error fails the connection with that error', async () => {
    const broker = await scriptedBroker(echo, { errorCode: 35 });
    await expect(connect(broker.port).connect()).rejects.toMatchObject({
      type: 'NETWORK_EXCEPTION',
      message: expect.stringContaining('UNSUPPORTED_VERSION'),
    });
  });

  test('request() connects a new connection and sends header fields', async () => {
    const broker = await scriptedBroker(echo);
    const connection = connect(broker.port, { clientId: 'my-client' });
    expect((await metadata(connection, 'x')).topics[0].name).toBe('x');
    expect(connection.state).toBe('ready');
    expect(broker.requests[0]).toMatchObject({
      apiKey: ApiKey.Metadata,
      apiVersion: 0,
      clientId: 'my-client',
    });
  });

  test('keeps at most maxInFlightRequests outstanding and sends the rest as responses arrive', async () => {
    const held: Array<() => void> = [];
    const broker = await scriptedBroker((request, respond) =>
      held.push(() => echo(request, respond)),
    );
    const connection = connect(broker.port, { maxInFlightRequests: 3 });
    const results = Array.from({ length: 10 }, (_, i) => metadata(connection, `t${i}`));
    let answered = 0;
    while (answered < 10) {
      await eventually(() => held.length > 0, 'a request reaches the broker');
      expect(broker.requests.length - answered).toBeLessThanOrEqual(3);
      held.shift()?.();
      answered++;
    }
    const names = (await Promise.all(results)).map((response) => response.topics[0].name);
    expect(names).toEqual(Array.from({ length: 10 }, (_, i) => `t${i}`));
    expect(broker.requests.map((request) => request.correlationId)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
  });

  test('a response with an unexpected correlation id closes the connection and fails every request', async () => {
    const broker = await scriptedBroker((request, respond) =>
      respond(encodeResponse(ApiKey.Metadata, request.correlationId + 100, {})),
    );
    const connection = connect(broker.port);
    await connection.connect();
    const causes: unknown[] = [];
    connection.on('close', (cause) => causes.push(cause));
    const results = [metadata(connection, 'a'), metadata(connection, 'b')];
    for (const result of results) {
      await expect(result).rejects.toMatchObject({
        type: 'NETWORK_EXCEPTION',
        message: expect.stringContaining('received a response with correlation id 101, expected 1'),
      });
    }
    expect(causes).toEqual([expect.any(CorrelationMismatchError)]);
  });

  test('a response of another API closes the connection', async () => {
    const broker = await scriptedBroker((request, respond) =>
      respond(encodeResponse(ApiKey.Fetch, request.correlationId, {})),
    );
    await expect(metadata(connect(broker.port), 'a')).rejects.toThrow(
      /expected a Metadata response \(correlation id 1\), got a fetch body/,
    );
  });

  test('a response larger than maxResponseBytes closes the connection', async () => {
    const broker = await scriptedBroker(echo);
    const connection = connect(broker.port, { maxResponseBytes: 50 });
    await expect(metadata(connection, 'x'.repeat(100))).rejects.toThrow(
      /frame of \d+ bytes is larger than the maximum of 50 bytes/,
    );
  });

  test('a request that times out after being sent fails with REQUEST_TIMED_OUT and closes the connection', async () => {
    const broker = await scriptedBroker(() => undefined);
    const connection = connect(broker.port);
    await connection.connect();
    const slow = metadata(connection, 'slow', 50);
    const other = metadata(connection, 'other', 10000);
    await expect(slow).rejects.toMatchObject({
      type: 'REQUEST_TIMED_OUT',
      retriable: true,
      message:
        'REQUEST_TIMED_OUT: Metadata request timed out after 50 ms waiting for its response (broker 7)',
    });
    await expect(other).rejects.toMatchObject({ type: 'NETWORK_EXCEPTION' });
    expect(connection.state).toBe('closed');
  });

  test('a request that times out while queued fails alone and the connection stays up', async () => {
    const held: Array<() => void> = [];
    const broker = await scriptedBroker((request, respond) =>
      held.push(() => echo(request, respond)),
    );
    const connection = connect(broker.port, { maxInFlightRequests: 1 });
    await connection.connect();
    const first = metadata(connection, 'first');
    const queued = metadata(connection, 'queued', 30);
    await expect(queued).rejects.toMatchObject({
      type: 'REQUEST_TIMED_OUT',
      message: expect.stringContaining('before it was sent'),
    });
    await eventually(() => held.length === 1, 'the first request reaches the broker');
    held[0]();
    expect((await first).topics[0].name).toBe('first');
    expect(connection.state).toBe('ready');
    expect(broker.requests).toHaveLength(1);
  });

  test('the broker closing the connection fails outstanding requests and emits close once', async () => {
    const broker = await scriptedBroker((_request, _respond) => {
      for (const socket of broker.sockets) socket.destroy();
    });
    const connection = connect(broker.port);
    const closes: unknown[] = [];
    connection.on('close', (cause) => closes.push(cause));
    await expect(metadata(connection, 'a')).rejects.toMatchObject({
      type: 'NETWORK_EXCEPTION',
      retriable: true,
      message: expect.stringContaining('the broker closed the connection'),
    });
    expect(closes).toHaveLength(1);
    await expect(metadata(connection, 'b')).rejects.toThrow('the connection is closed');
  });

  test('a request without a response resolves to null once written', async () => {
    const broker = await scriptedBroker(() => undefined);
    const connection = connect(broker.port);
    await expect(
      connection.request(ApiKey.Produce, { acks: 0 }, { expectResponse: false }),
    ).resolves.toBeNull();
    await eventually(() => broker.requests.length === 1, 'the broker receives the request');
    expect(connection.inFlightCount).toBe(0);
  });

  test('close() fails pending requests and emits close without a cause', async () => {
    const broker = await scriptedBroker(() => undefined);
    const connection = connect(broker.port);
    await connection.connect();
    const pending = metadata(connection, 'a');
    const closes: unknown[] = [];
    connection.on('close', (cause) => closes.push(cause));
    connection.close();
    await expect(pending).rejects.toThrow('closed by the client');
    expect(closes).toEqual([undefined]);
  });
});
