import { BrokerSocketServer } from '../../../broker/server/broker-socket-server';
import { Connection } from '../../../client/network/connection';
import { ApiKey } from '../../../client/protocol/apis';
import { captureLogger, eventually } from '../../client/network/helpers';

let server: BrokerSocketServer | undefined;
let connection: Connection | undefined;
let calls: ApiKey[] = [];

afterEach(async () => {
  connection?.close();
  await server?.stop();
});

async function start(): Promise<{ server: BrokerSocketServer; connection: Connection }> {
  server = new BrokerSocketServer({
    listeners: [
      { listenerName: 'PLAINTEXT', host: '127.0.0.1', port: 0, securityProtocol: 'PLAINTEXT' },
    ],
    logger: captureLogger().log,
  });
  calls = [];
  server.handle(ApiKey.Metadata, async () => {
    calls.push(ApiKey.Metadata);
    return { controllerId: 1 };
  });
  server.handle(ApiKey.UpdateMetadata, async () => {
    calls.push(ApiKey.UpdateMetadata);
    return { errorCode: 0 };
  });
  const [bound] = await server.start();
  connection = new Connection({ host: '127.0.0.1', port: bound.port });
  await connection.connect();
  return { server, connection };
}

describe('BrokerSocketServer startup gate', () => {
  test('client requests wait until openForClients, then are answered in order', async () => {
    const { server, connection } = await start();
    const pending = connection.request(ApiKey.Metadata, { topics: [] });
    // Dispatched after the Metadata request, yet handled first: the client request is held.
    const control = connection.request(ApiKey.UpdateMetadata, { controllerId: 1 });
    await eventually(() => calls.length > 0, 'the controller request is handled');
    expect(calls).toEqual([ApiKey.UpdateMetadata]);
    expect(server.openForClientRequests).toBe(false);
    server.openForClients();
    expect((await pending).controllerId).toBe(1);
    expect((await control).errorCode).toBe(0);
    expect(calls).toEqual([ApiKey.UpdateMetadata, ApiKey.Metadata]);
  });

  test('controller requests are served before the gate opens', async () => {
    const { server, connection } = await start();
    const response = await connection.request(ApiKey.UpdateMetadata, { controllerId: 1 });
    expect(response.errorCode).toBe(0);
    expect(server.openForClientRequests).toBe(false);
  });
});
