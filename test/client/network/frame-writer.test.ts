import type { Socket } from 'net';
import { COPY_LIMIT, FrameWriter } from '../../../client/network/frame-writer';

/** Records what a FrameWriter does to its socket. */
function fakeSocket(options: { destroyed?: boolean } = {}) {
  const calls: Array<string | Buffer> = [];
  const socket = {
    destroyed: options.destroyed ?? false,
    writable: true,
    cork: () => calls.push('cork'),
    uncork: () => calls.push('uncork'),
    write: (data: Buffer, callback?: (error?: Error | null) => void) => {
      calls.push(data);
      if (callback) process.nextTick(callback);
      return true;
    },
  };
  return { socket: socket as unknown as Socket, calls };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('FrameWriter', () => {
  test('frames written in one tick leave in a single write, copied into one buffer', async () => {
    const { socket, calls } = fakeSocket();
    const writer = new FrameWriter(socket);
    for (let i = 0; i < 100; i++) writer.write(Buffer.from([i]));
    expect(calls).toEqual([]);
    await tick();
    expect(calls).toEqual([
      'cork',
      Buffer.from(Array.from({ length: 100 }, (_, i) => i)),
      'uncork',
    ]);
  });

  test('a lone frame is written as it is', async () => {
    const { socket, calls } = fakeSocket();
    const frame = Buffer.from('only');
    new FrameWriter(socket).write(frame);
    await tick();
    expect(calls).toEqual([frame]);
    expect(calls[0]).toBe(frame);
  });

  test('large frames are not copied: they go between the copied runs under one cork', async () => {
    const { socket, calls } = fakeSocket();
    const writer = new FrameWriter(socket);
    const large = Buffer.alloc(COPY_LIMIT, 1);
    writer.write(Buffer.from('a'));
    writer.write(Buffer.from('b'));
    writer.write(large);
    writer.write(Buffer.from('c'));
    await tick();
    expect(calls).toEqual(['cork', Buffer.from('ab'), large, Buffer.from('c'), 'uncork']);
    expect(calls[2]).toBe(large);
  });

  test('frames of the next tick form the next batch', async () => {
    const { socket, calls } = fakeSocket();
    const writer = new FrameWriter(socket);
    writer.write(Buffer.from('1'));
    await tick();
    writer.write(Buffer.from('2'));
    writer.write(Buffer.from('3'));
    await tick();
    expect(calls).toEqual([Buffer.from('1'), 'cork', Buffer.from('23'), 'uncork']);
  });

  test('flush callbacks run once the batch is written', async () => {
    const { socket } = fakeSocket();
    const writer = new FrameWriter(socket);
    const flushed: string[] = [];
    writer.write(Buffer.from('x'), () => flushed.push('x'));
    writer.write(Buffer.from('y'));
    writer.write(Buffer.from('z'), () => flushed.push('z'));
    await tick();
    await tick();
    expect(flushed).toEqual(['x', 'z']);
  });

  test('flush callbacks get an error when the socket is already closed', async () => {
    const { socket, calls } = fakeSocket({ destroyed: true });
    const errors: unknown[] = [];
    new FrameWriter(socket).write(Buffer.from('x'), (error) => errors.push(error));
    await tick();
    expect(calls).toEqual([]);
    expect(errors).toEqual([expect.any(Error)]);
  });
});
