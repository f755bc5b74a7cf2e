// The partitioned Store contract against Azure Tables on Azurite: the same suite as every engine.
import { openTablesStore } from '../../src/store/tables-store.ts';
import { uniqueName, useAzurite } from '../fakes/azurite.ts';
import { describePartitionedStoreContract } from './partitioned-store-contract.ts';

describe('TablesStore', function () {
  const azurite = useAzurite();

  describePartitionedStoreContract('TablesStore on Azurite', async () => {
    const tableName = uniqueName('contract');
    let offset = 0;
    const options = () => ({
      connectionString: azurite().connectionString,
      tableName,
      now: () => Date.now() + offset,
      appendOnly: [{ name: 'audit', retainDays: 400 }],
    });
    return {
      store: await openTablesStore(options()),
      reopen: () => openTablesStore(options()),
      advanceClock: (ms) => {
        offset += ms;
      },
    };
  });
});
