import net from 'net';
import {
  RequestDispatcher,
  RequestHandler,
  ServerConnection,
} from '../../../broker/network/server-connection';
import { ApiKey, versionRanges } from '../../../client/protocol/apis';
import { decodeResponse, encodeRequest } from '../../../client/protocol/codec';
import { FrameDecoder } from '../../../client/protocol/framing';
import {
  captureLogger,
  closeServer,
  deferred,
  eventually,
  listen,
  rawSocket,
} from '../../client/network/helpers';

/** ServerConnections behind a loopback server, with one handler per API set by the test. */
async function harness(handlers: Map<ApiKey, RequestHandler<ApiKey>>, queuedMaxRequests: number) {
  const serverSockets: net.Socket[] = [];
  const dispatcher: RequestDispatcher = {
    handlerFor: (apiKey) => handlers.get(apiKey),
    apiVersionsResponse: (errorCode) => ({ errorCode, apiKeys: versionRanges() }),
    onRequest: () => undefined,
    onProtocolError: () => undefined,
    onClosed: () => undefined,
  };
  const server = net.createServer((socket) => {
    serverSockets.push(socket);
    new ServerConnection(
      socket,
      {
        connectionId: `test-${serverSockets.length}`,
        listenerName: 'PLAINTEXT',
        securityProtocol: 'PLAINTEXT',
        remoteAddress: socket.remoteAddress ?? '',
        remotePort: socket.remotePort ?? 0,
      },
      {
        socketRequestMaxBytes: 104857600,
        queuedMaxRequests,
        connectionsMaxIdleMs: 60000,
        log: captureLogger().log,
      },
      dispatcher,
    );
  });
  const port = await listen(server);
  const clients: net.Socket[] = [];
  return {
    serverSockets,
    async client(): Promise<net.Socket> {
      const socket = await rawSocket(port);
      clients.push(socket);
      await eventually(() => serverSockets.length === clients.length, 'the server accepts');
      return socket;
    },
    stop: () => closeServer(server, [...clients, ...serverSockets]),
  };
}

function metadataFrame(correlationId: number): Buffer {
  return encodeRequest(
    { apiKey: ApiKey.Metadata, apiVersion: 0, correlationId, clientId: 'c' },
    { topics: [{ name: String(correlationId) }] },
  );
}

function collect(socket: net.Socket): Buffer[] {
  const frames: Buffer[] = [];
  const decoder = new FrameDecoder();
  socket.on('data', (chunk: Buffer) => frames.push(...decoder.push(chunk)));
  return frames;
}

function written(socket: net.Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.write(data, (error) => (error ? reject(error) : resolve())),
  );
}

describe('ServerConnection backpressure', () => {
  test('stops reading while queued.max.requests responses are pending, and resumes after', async () => {
    const gates: Array<() => void> = [];
    const calls: number[] = [];
    const handlers = new Map<ApiKey, RequestHandler<ApiKey>>();
    handlers.set(ApiKey.Metadata, (async (request: { topics: Array<{ name: string }> }) => {
      calls.push(Number(request.topics[0].name));
      const gate = deferred();
      gates.push(gate.resolve);
      await gate.promise;
      return { topics: request.topics };
    }) as unknown as RequestHandler<ApiKey>);
    handlers.set(ApiKey.DeleteTopics, (async () => ({ responses: [] })) as RequestHandler<ApiKey>);
    const h = await harness(handlers, 2);
    try {
      const client = await h.client();
      const received = collect(client);
      await written(client, Buffer.concat([metadataFrame(1), metadataFrame(2)]));
      await eventually(() => calls.length === 2, 'both requests reach their handler');
      expect(h.serverSockets[0].isPaused()).toBe(true);

      // A third request arrives while the connection is paused. Loopback delivers it to the
      // server's receive buffer before the write completes; a round trip on another connection
      // then proves the server's event loop polled since, without reading it.
      await written(client, metadataFrame(3));
      const other = await h.client();
      const otherReceived = collect(other);
      await written(
        other,
        encodeRequest(
          { apiKey: ApiKey.DeleteTopics, apiVersion: 0, correlationId: 0, clientId: 'o' },
          {},
        ),
      );
      await eventually(() => otherReceived.length === 1, 'the other connection is answered');
      expect(calls).toEqual([1, 2]);

      gates[0]();
      await eventually(() => calls.length === 3, 'the third request is read after a response');
      gates[1]();
      gates[2]();
      await eventually(() => received.length === 3, 'all three responses arrive');
      expect(received.map((frame) => decodeResponse(frame, ApiKey.Metadata).correlationId)).toEqual(
        [1, 2, 3],
      );
      expect(h.serverSockets[0].isPaused()).toBe(false);
    } finally {
      await h.stop();
    }
  });

  test('stops reading while the client does not read its responses', async () => {
    const handlers = new Map<ApiKey, RequestHandler<ApiKey>>();
    const big = Buffer.alloc(1024 * 1024);
    handlers.set(ApiKey.Fetch, (async () => ({
      responses: [{ topic: 't', partitions: [{ records: big }] }],
    })) as RequestHandler<ApiKey>);
    const h = await harness(handlers, 500);
    try {
      const client = await h.client();
      client.pause();
      // Requests large enough to need many reads, each answered with 1 MiB.
      const padding = 'x'.repeat(65536);
      for (let i = 0; i < 64; i++) {
        client.write(
          encodeRequest(
            { apiKey: ApiKey.Fetch, apiVersion: 0, correlationId: i, clientId: 'c' },
            { rackId: padding },
          ),
        );
      }
      await eventually(() => h.serverSockets[0].isPaused(), 'the server stops reading');
      const received = collect(client);
      client.resume();
      await eventually(
        () => received.length === 64,
        'every response arrives once the client reads',
      );
    } finally {
      await h.stop();
    }
  });
});
