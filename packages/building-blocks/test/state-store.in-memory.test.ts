import { InMemoryStateStore } from '../src';
import { describeStateStoreContract } from './state-store.contract';

describeStateStoreContract('InMemoryStateStore', async () => {
  const store = new InMemoryStateStore();
  return { store, cleanup: () => store.close() };
});
