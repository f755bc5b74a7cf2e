import { PartitionedMemoryStore } from '../fakes/partitioned-memory-store.ts';
import { describePartitionedStoreContract } from './partitioned-store-contract.ts';

describePartitionedStoreContract('PartitionedMemoryStore', async () => {
  let now = Date.now();
  const store = new PartitionedMemoryStore({
    appendOnly: [{ name: 'audit', retainDays: 400 }],
    now: () => now,
  });
  return { store, advanceClock: (ms) => (now += ms) };
});
