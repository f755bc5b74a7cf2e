import { openJournalStore } from '../../src/store/journal-store.ts';
import { describePartitionedStoreContract } from './partitioned-store-contract.ts';
import { makeTempDir, removeDir } from './test-files.ts';

describePartitionedStoreContract('JournalStore', async () => {
  const dir = await makeTempDir();
  let now = Date.now();
  const open = () =>
    openJournalStore({
      dataDir: dir,
      appendOnly: [{ name: 'audit', retainDays: 400 }],
      now: () => now,
    });
  return {
    store: await open(),
    reopen: open,
    advanceClock: (ms) => (now += ms),
    cleanup: () => removeDir(dir),
  };
});
