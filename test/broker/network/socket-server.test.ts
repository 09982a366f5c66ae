import net from 'net';
import type { Endpoint } from '../../../broker/config/listeners';
import { SocketServer, SocketServerOptions } from '../../../broker/network/socket-server';
import { KafkaError } from '../../../client/errors';
import { Connection, ConnectionOptions } from '../../../client/network/connection';
import { ApiKey } from '../../../client/protocol/apis';
import { decodeResponse, encodeRequest } from '../../../client/protocol/codec';
import { FrameDecoder, encodeFrame } from '../../../client/protocol/framing';
import { samsa } from '../../../client/protocol/generated/messages';
import {
  captureLogger,
  closed,
  deferred,
  eventually,
  rawSocket,
} from '../../client/network/helpers';

const servers: SocketServer[] = [];

function plaintext(port: number): Endpoint {
  return { listenerName: 'PLAINTEXT', host: '127.0.0.1', port, securityProtocol: 'PLAINTEXT' };
}
const connections: Connection[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close();
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function startServer(
  options: Partial<SocketServerOptions> = {},
): Promise<{ server: SocketServer; port: number; lines: string[] }> {
  const { log, lines } = captureLogger();
  const server = new SocketServer({
    listeners: [plaintext(0)],
    logger: log,
    ...options,
  });
  servers.push(server);
  // Metadata echoes the requested topic names, so each response can be matched to its request.
  server.handle(ApiKey.Metadata, async (request) => ({
    topics: request.topics.map((topic) => ({ name: topic.name })),
  }));
  const [endpoint] = await server.start();
  return { server, port: endpoint.port, lines };
}

function connect(port: number, options: Partial<ConnectionOptions> = {}): Connection {
  const connection = new Connection({ host: '127.0.0.1', port, clientId: 'test', ...options });
  connections.push(connection);
  return connection;
}

async function openRaw(port: number): Promise<net.Socket> {
  const socket = await rawSocket(port);
  sockets.push(socket);
  return socket;
}

function metadata(connection: Connection, name: string) {
  return connection.request(ApiKey.Metadata, { topics: [{ name }] });
}

function rawFrame(message: samsa.Request.$Properties): Buffer {
  return encodeFrame(samsa.Request.encode(message).finish());
}

/** Collects the response frames a raw socket receives. */
function responses(socket: net.Socket): Buffer[] {
  const frames: Buffer[] = [];
  const decoder = new FrameDecoder();
  socket.on('data', (chunk: Buffer) => frames.push(...decoder.push(chunk)));
  return frames;
}

describe('SocketServer', () => {
  test('ApiVersions lists exactly the APIs that have a handler', async () => {
    const { port } = await startServer();
    const connection = connect(port);
    await connection.connect();
    expect([...(connection.apiVersions ?? [])]).toEqual([
      [ApiKey.Metadata, 0],
      [ApiKey.ApiVersions, 0],
    ]);
    await expect(connection.request(ApiKey.Produce, { acks: 1 })).rejects.toMatchObject({
      type: 'UNSUPPORTED_VERSION',
    });
    expect((await metadata(connection, 'still-open')).topics[0].name).toBe('still-open');
  });

  test('handlers run concurrently and finish out of order, responses still come in request order', async () => {
    const { server, port } = await startServer();
    const count = 100;
    const gates = Array.from({ length: count }, () => deferred());
    let running = 0;
    let maxRunning = 0;
    server.handle(ApiKey.DeleteTopics, async (request) => {
      const index = Number(request.topicNames[0]);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await gates[index].promise;
      running--;
      return { responses: [{ name: String(index) }] };
    });
    const connection = connect(port, { maxInFlightRequests: count });
    const order: number[] = [];
    const results = Array.from({ length: count }, (_, index) =>
      connection.request(ApiKey.DeleteTopics, { topicNames: [String(index)] }).then((response) => {
        order.push(index);
        return response.responses[0].name;
      }),
    );
    await eventually(() => running === count, 'every handler is running');
    for (let index = count - 1; index >= 0; index--) gates[index].resolve();
    expect(await Promise.all(results)).toEqual(Array.from({ length: count }, (_, i) => String(i)));
    expect(order).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(maxRunning).toBe(count);
  });

  test('a frame larger than socket.request.max.bytes closes only that connection, with a log line', async () => {
    const { server, port, lines } = await startServer({ socketRequestMaxBytes: 1024 });
    server.handle(ApiKey.Produce, async () => ({ responses: [] }));
    const offender = connect(port);
    const bystander = connect(port);
    await Promise.all([offender.connect(), bystander.connect()]);
    const oversize = offender.request(ApiKey.Produce, {
      acks: 1,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.alloc(2000) }] }],
    });
    await expect(oversize).rejects.toMatchObject({ type: 'NETWORK_EXCEPTION', retriable: true });
    expect(lines.filter((line) => line.includes('socket.request.max.bytes'))).toEqual([
      expect.stringMatching(
        /^WARN Closing connection .*: request frame of \d+ bytes is larger than socket.request.max.bytes \(1024\)$/,
      ),
    ]);
    expect((await metadata(bystander, 'unaffected')).topics[0].name).toBe('unaffected');
    expect(server.stats()).toMatchObject({ protocolErrors: 1, connections: 1 });
  });

  test('a peer that closes in the middle of a frame is logged and affects nobody else', async () => {
    const { port, lines } = await startServer();
    const bystander = connect(port);
    await bystander.connect();
    const socket = await openRaw(port);
    const frame = rawFrame({ apiKey: ApiKey.Metadata, correlationId: 1, metadata: {} });
    // The prefix announces the whole frame, but only part of it is sent before closing.
    socket.end(frame.subarray(0, frame.length - 2));
    await eventually(
      () => lines.some((line) => line.includes('in the middle of a frame')),
      'the truncated frame is logged',
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^WARN Connection .* closed by the client in the middle of a frame: ${frame.length - 2} of ${frame.length} bytes received$`,
        ),
      ),
    );
    expect((await metadata(bystander, 'fine')).topics[0].name).toBe('fine');
  });

  test('a length prefix shorter than its message cuts the message and closes the connection', async () => {
    const { port, lines } = await startServer();
    const socket = await openRaw(port);
    const frame = encodeRequest(
      { apiKey: ApiKey.Metadata, apiVersion: 0, correlationId: 1, clientId: 'c' },
      { topics: [{ name: 'orders' }] },
    );
    frame.writeUInt32BE(frame.length - 4 - 3, 0);
    socket.write(frame);
    await closed(socket);
    expect(lines).toContainEqual(
      expect.stringMatching(/^WARN Closing connection .*: malformed request: index out of range/),
    );
  });

  test('an unknown api key closes the connection with a log line', async () => {
    const { server, port, lines } = await startServer();
    const socket = await openRaw(port);
    socket.write(rawFrame({ apiKey: 48, correlationId: 4, clientId: 'joiner' }));
    await closed(socket);
    expect(lines).toContainEqual(
      expect.stringMatching(/^WARN Closing connection .*: unknown api key 48$/),
    );
    expect(server.stats().protocolErrors).toBe(1);
  });

  test('a known API without a handler closes the connection like an unknown api key', async () => {
    const { port, lines } = await startServer();
    const socket = await openRaw(port);
    socket.write(rawFrame({ apiKey: ApiKey.Fetch, correlationId: 4, fetch: {} }));
    await closed(socket);
    expect(lines).toContainEqual(
      expect.stringMatching(/: Fetch \(api key 1\) is not served by this broker$/),
    );
  });

  test('ApiVersions at an unsupported version gets UNSUPPORTED_VERSION and the supported versions', async () => {
    const { port } = await startServer();
    const socket = await openRaw(port);
    const frames = responses(socket);
    socket.write(
      rawFrame({ apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 8, apiVersions: {} }),
    );
    socket.write(
      encodeRequest(
        { apiKey: ApiKey.ApiVersions, apiVersion: 0, correlationId: 9, clientId: 'c' },
        {},
      ),
    );
    await eventually(() => frames.length === 2, 'both ApiVersions responses arrived');
    const first = decodeResponse(frames[0], ApiKey.ApiVersions);
    expect(first.correlationId).toBe(8);
    expect(first.body.errorCode).toBe(35);
    expect(first.body.apiKeys.map((range) => range.apiKey)).toEqual([3, 18]);
    const second = decodeResponse(frames[1], ApiKey.ApiVersions);
    expect(second).toMatchObject({ correlationId: 9, body: { errorCode: 0 } });
  });

  test('another API at an unsupported version closes the connection', async () => {
    const { port, lines } = await startServer();
    const socket = await openRaw(port);
    socket.write(
      rawFrame({ apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 1, metadata: {} }),
    );
    await closed(socket);
    expect(lines).toContainEqual(
      expect.stringMatching(/unsupported version 1 of Metadata \(supported: 0..0\)$/),
    );
  });

  test('a handler resolving to null sends no response, and later responses keep their order', async () => {
    const { server, port } = await startServer();
    const produced: number[] = [];
    server.handle(ApiKey.Produce, async (request) => {
      produced.push(request.timeoutMs);
      return request.acks === 0 ? null : { responses: [] };
    });
    const connection = connect(port);
    const results = await Promise.all([
      metadata(connection, 'a'),
      connection.request(ApiKey.Produce, { acks: 0, timeoutMs: 1 }, { expectResponse: false }),
      metadata(connection, 'b'),
      connection.request(ApiKey.Produce, { acks: 0, timeoutMs: 2 }, { expectResponse: false }),
      connection.request(ApiKey.Produce, { acks: 1, timeoutMs: 3 }),
      metadata(connection, 'c'),
    ]);
    expect(results[1]).toBeNull();
    expect(results[3]).toBeNull();
    expect(results[4]).toMatchObject({ responses: [] });
    expect([results[0], results[2], results[5]].map((r) => r?.topics[0].name)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(produced).toEqual([1, 2, 3]);
  });

  test('a handler that throws closes its connection with an error line', async () => {
    const { server, port, lines } = await startServer();
    server.handle(ApiKey.DeleteTopics, async () => {
      throw new Error('disk on fire');
    });
    const connection = connect(port);
    await expect(
      connection.request(ApiKey.DeleteTopics, { topicNames: ['t'] }),
    ).rejects.toBeInstanceOf(KafkaError);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ERROR Error handling DeleteTopics request \(correlation id 1, client test\) on connection .*, closing it: disk on fire$/,
      ),
    );
  });

  test('a connection idle for connections.max.idle.ms is closed', async () => {
    const { port, lines } = await startServer({ connectionsMaxIdleMs: 50 });
    const socket = await openRaw(port);
    await closed(socket);
    expect(lines).toContainEqual(
      expect.stringMatching(/idle for more than connections.max.idle.ms \(50 ms\)$/),
    );
  });

  test('counts connections, and stop() closes them all and the listener', async () => {
    const { server, port } = await startServer();
    const first = connect(port);
    const second = connect(port);
    await Promise.all([first.connect(), second.connect()]);
    await eventually(() => server.stats().connections === 2, 'both connections are counted');
    const closes = [first, second].map(
      (connection) => new Promise((resolve) => connection.once('close', resolve)),
    );
    await server.stop();
    await Promise.all(closes);
    expect(server.stats()).toMatchObject({ connections: 0, connectionsAccepted: 2 });
    await expect(connect(port).connect()).rejects.toMatchObject({ type: 'NETWORK_EXCEPTION' });
  });

  test('refuses listeners that are not PLAINTEXT and handlers it cannot honour', () => {
    expect(
      () =>
        new SocketServer({
          listeners: [{ ...plaintext(0), listenerName: 'SSL', securityProtocol: 'SSL' }],
        }),
    ).toThrow('listener SSL uses security protocol SSL; samsa serves PLAINTEXT listeners only');
    const server = new SocketServer({ listeners: [plaintext(0)] });
    expect(() => server.handle(ApiKey.ApiVersions, async () => ({ errorCode: 0 }))).toThrow(
      'ApiVersions is answered by the socket server itself',
    );
    server.handle(ApiKey.Fetch, async () => ({}));
    expect(() => server.handle(ApiKey.Fetch, async () => ({}))).toThrow(
      'a handler for Fetch is already set',
    );
  });

  test('a listener whose port is taken fails start with the listener named', async () => {
    const { port } = await startServer();
    const second = new SocketServer({
      listeners: [plaintext(port)],
      logger: captureLogger().log,
    });
    await expect(second.start()).rejects.toThrow(
      new RegExp(`^cannot listen on PLAINTEXT://127.0.0.1:${port}: .*EADDRINUSE`),
    );
  });
});
