import { DaprSidecarStandIn } from '@shop/dapr-sidecar-stand-in';
import { DaprSidecarError, DaprStateStore, EtagMismatchError } from '../src';
import { describeStateStoreContract } from './state-store.contract';

describeStateStoreContract('DaprStateStore (through the sidecar stand-in)', async () => {
  const sidecar = new DaprSidecarStandIn({ appId: 'cart', stateStores: ['shop-state'], apiToken: 'test-token' });
  await sidecar.start();
  const store = new DaprStateStore({ daprHttpPort: sidecar.port, storeName: 'shop-state', daprApiToken: 'test-token' });
  return {
    store,
    async cleanup() {
      await store.close();
      await sidecar.stop();
    },
  };
});

describe('DaprStateStore specifics', () => {
  let sidecar: DaprSidecarStandIn;

  beforeEach(async () => {
    sidecar = new DaprSidecarStandIn({ appId: 'cart' });
    await sidecar.start();
  });

  afterEach(async () => {
    await sidecar.stop();
  });

  it('when another writer saves between our save and the ETag read-back, then our ETag matches nothing, so no write is lost', async () => {
    const store = new DaprStateStore({ daprHttpPort: sidecar.port });
    const other = new DaprStateStore({ daprHttpPort: sidecar.port });
    await store.save('k', { n: 0 });
    // Dapr answers a save without its ETag, so the store reads it back; squeeze the other writer in before that read.
    const state = (store as unknown as { client: { state: { getBulk: (...args: unknown[]) => Promise<unknown> } } }).client.state;
    const getBulk = state.getBulk.bind(state);
    let raced = false;
    state.getBulk = async (...args: unknown[]) => {
      if (!raced) {
        raced = true;
        await other.save('k', { n: 'theirs' });
      }
      return getBulk(...args);
    };
    const ours = await store.save('k', { n: 1 });
    await expect(store.save('k', { n: 2 }, { etag: ours })).rejects.toBeInstanceOf(EtagMismatchError);
    expect((await other.get('k'))?.value).toEqual({ n: 'theirs' });
  });

  it('when the store is not a component of the sidecar, then errors are DaprSidecarError, not ETag mismatches', async () => {
    const store = new DaprStateStore({ daprHttpPort: sidecar.port, storeName: 'no-such-store' });
    await expect(store.save('k', 1)).rejects.toBeInstanceOf(DaprSidecarError);
    await expect(store.get('k')).rejects.toBeInstanceOf(DaprSidecarError);
  });
});
