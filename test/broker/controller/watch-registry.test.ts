import { WatchRegistry } from '../../../broker/controller/watch-registry';

describe('WatchRegistry', () => {
  it('arms a watch once per key until it fires', () => {
    const registry = new WatchRegistry();
    const fired: string[] = [];
    const first = registry.watcher('children:/brokers/ids', (e) => fired.push(e.type));
    expect(first).toBeDefined();
    expect(
      registry.watcher('children:/brokers/ids', () => fired.push('duplicate')),
    ).toBeUndefined();
    first?.({ type: 'NODE_CHILDREN_CHANGED', path: '/brokers/ids' });
    expect(fired).toEqual(['NODE_CHILDREN_CHANGED']);
    expect(registry.isArmed('children:/brokers/ids')).toBe(false);
    expect(registry.watcher('children:/brokers/ids', () => undefined)).toBeDefined();
  });

  it('ignores watches armed before a reset', () => {
    const registry = new WatchRegistry();
    const fired: string[] = [];
    const old = registry.watcher('exists:/controller', (e) => fired.push(`old ${e.type}`));
    registry.reset();
    const fresh = registry.watcher('exists:/controller', (e) => fired.push(`new ${e.type}`));
    old?.({ type: 'NODE_DELETED', path: '/controller' });
    expect(registry.isArmed('exists:/controller')).toBe(true);
    fresh?.({ type: 'NODE_DELETED', path: '/controller' });
    expect(fired).toEqual(['new NODE_DELETED']);
  });

  it('does not report a watch that fired because the session expired', () => {
    const registry = new WatchRegistry();
    const fired: string[] = [];
    registry.watcher('children:/brokers/topics', (e) => fired.push(e.type))?.({
      type: 'SESSION_EXPIRED',
      path: '/brokers/topics',
    });
    expect(fired).toEqual([]);
    expect(registry.isArmed('children:/brokers/topics')).toBe(false);
  });

  it('disarm lets a failed read arm again', () => {
    const registry = new WatchRegistry();
    registry.watcher('data:/brokers/ids/3', () => undefined);
    registry.disarm('data:/brokers/ids/3');
    expect(registry.watcher('data:/brokers/ids/3', () => undefined)).toBeDefined();
  });
});
