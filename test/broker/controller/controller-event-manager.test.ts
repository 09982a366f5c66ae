import { setTimeout as sleep } from 'node:timers/promises';
import winston from 'winston';
import { ControllerEventManager } from '../../../broker/controller/controller-event-manager';
import { ControllerEvent } from '../../../broker/controller/controller-events';

/** Handler failures are logged; this test does not need to see them. */
const log = winston.createLogger({ silent: true });

function recorder(delayMs = 0) {
  const processed: string[] = [];
  const preempted: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const name = (e: ControllerEvent): string =>
    e.kind === 'PartitionModifications' ? `${e.kind}:${e.topic}` : e.kind;
  const processor = {
    async process(event: ControllerEvent): Promise<void> {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await sleep(delayMs);
      processed.push(name(event));
      running -= 1;
      if (event.kind === 'TopicDeletion') throw new Error('handler failure');
    },
    preempt(event: ControllerEvent): void {
      preempted.push(name(event));
      if (event.kind === 'ControlledShutdown') event.callback({ errorCode: 41, remaining: [] });
    },
  };
  return { processor, processed, preempted, maxRunning: () => maxRunning };
}

describe('ControllerEventManager', () => {
  it('processes events one at a time, in the order they were put', async () => {
    const r = recorder(2);
    const manager = new ControllerEventManager(r.processor, () => log);
    manager.start();
    const done = ['a', 'b', 'c', 'd'].map((topic) =>
      manager.put({ kind: 'PartitionModifications', topic }),
    );
    expect(manager.queueSize).toBeGreaterThan(0);
    await Promise.all(done);
    expect(r.processed).toEqual([
      'PartitionModifications:a',
      'PartitionModifications:b',
      'PartitionModifications:c',
      'PartitionModifications:d',
    ]);
    expect(r.maxRunning()).toBe(1);
    expect(manager.queueSize).toBe(0);
    await manager.close();
  });

  it('keeps going after a handler throws', async () => {
    const r = recorder();
    const manager = new ControllerEventManager(r.processor, () => log);
    manager.start();
    await Promise.all([
      manager.put({ kind: 'TopicDeletion' }),
      manager.put({ kind: 'TopicChange' }),
    ]);
    expect(r.processed).toEqual(['TopicDeletion', 'TopicChange']);
    await manager.close();
  });

  it('clearAndPut preempts pending events but lets the running one finish', async () => {
    const r = recorder(20);
    const manager = new ControllerEventManager(r.processor, () => log);
    manager.start();
    const answers: number[] = [];
    void manager.put({ kind: 'BrokerChange' });
    await sleep(5);
    void manager.put({ kind: 'TopicChange' });
    void manager.put({
      kind: 'ControlledShutdown',
      brokerId: 2,
      brokerEpoch: 10,
      callback: (result) => answers.push(result.errorCode),
    });
    expect(manager.state).toBe('BrokerChange');
    await manager.clearAndPut({ kind: 'Expire' });
    expect(r.processed).toEqual(['BrokerChange', 'Expire']);
    expect(r.preempted).toEqual(['TopicChange', 'ControlledShutdown']);
    expect(answers).toEqual([41]);
    expect(manager.state).toBe('Idle');
    await manager.close();
  });

  it('after close, waits for the running event and preempts everything else', async () => {
    const r = recorder(20);
    const manager = new ControllerEventManager(r.processor, () => log);
    manager.start();
    void manager.put({ kind: 'BrokerChange' });
    void manager.put({ kind: 'TopicChange' });
    await sleep(5);
    await manager.close();
    expect(r.processed).toEqual(['BrokerChange']);
    await manager.put({ kind: 'IsrChangeNotification' });
    expect(r.preempted).toEqual(['TopicChange', 'IsrChangeNotification']);
  });
});
