import { MemoryStore } from '../fakes/memory-store.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('MemoryStore', () => Promise.resolve({ store: new MemoryStore() }));
