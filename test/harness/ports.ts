/**
 * Free TCP ports from the OS: listen on 127.0.0.1 port 0 and read the port it picked. Several
 * ports are held open together so they differ, and no port is handed out twice by this process.
 */
import net from 'node:net';

const issued = new Set<number>();

function listenOnAnyPort(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
}

/** `n` distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < n) {
      const server = await listenOnAnyPort();
      servers.push(server);
      const port = (server.address() as net.AddressInfo).port;
      if (!issued.has(port)) ports.push(port);
    }
  } finally {
    await Promise.all(servers.map(close));
  }
  for (const port of ports) issued.add(port);
  return ports;
}

/** One free port. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}
