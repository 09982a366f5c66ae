/**
 * The `BrokerChange` diff (Kafka's `processBrokerChange`, KIP-380): compares the brokers registered
 * in ZooKeeper (id → epoch = czxid of `/brokers/ids/<id>`) with the ones the controller knows.
 * - new: registered, not known;
 * - dead: known, no longer registered;
 * - bounced: registered and known, but with a higher epoch — the broker restarted (its znode was
 *   deleted and created again) between two watch firings; it is handled as a failure followed by
 *   a startup, so its previous incarnation's state is not trusted (KAFKA-1120, KAFKA-7235).
 * Each list is sorted by broker id.
 */
export interface BrokerChangeDiff {
  readonly newBrokerIds: number[];
  readonly deadBrokerIds: number[];
  readonly bouncedBrokerIds: number[];
}

export function diffBrokers(
  registered: ReadonlyMap<number, number>,
  known: ReadonlyMap<number, number>,
): BrokerChangeDiff {
  const byId = (a: number, b: number): number => a - b;
  return {
    newBrokerIds: [...registered.keys()].filter((id) => !known.has(id)).sort(byId),
    deadBrokerIds: [...known.keys()].filter((id) => !registered.has(id)).sort(byId),
    bouncedBrokerIds: [...registered]
      .filter(([id, epoch]) => known.has(id) && epoch > (known.get(id) as number))
      .map(([id]) => id)
      .sort(byId),
  };
}
