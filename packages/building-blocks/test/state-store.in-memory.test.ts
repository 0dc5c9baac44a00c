import { InMemoryStateStore } from '../src';
import { describeStateStoreContract } from './state-store.contract';

describeStateStoreContract('InMemoryStateStore', async () => {
  // The store's own clock, moved by the TTL cases instead of waiting for the wall clock.
  let now = Date.now();
  const store = new InMemoryStateStore({ now: () => now });
  return {
    store,
    advanceClock: (ms) => {
      now += ms;
    },
    cleanup: () => store.close(),
  };
});
