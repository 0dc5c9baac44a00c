import { describeWithBackend, uniqueTestTag } from '@shop/testing';
import { createClient } from 'redis';
import { RedisStateStore } from '../src';
import { deleteRedisKeysWithPrefix } from './redis-cleanup';
import { describeStateStoreContract } from './state-store.contract';

describeWithBackend('redis', 'RedisStateStore', (url) => {
  describeStateStoreContract('RedisStateStore', async () => {
    const keyPrefix = `${uniqueTestTag('state')}:`;
    const store = new RedisStateStore({ url, keyPrefix });
    return {
      store,
      async cleanup() {
        await store.close();
        await deleteRedisKeysWithPrefix(url, keyPrefix);
      },
    };
  });

  it('when the store shares a client, then close leaves that client open for its owner', async () => {
    const client = createClient({ url });
    await client.connect();
    const keyPrefix = `${uniqueTestTag('state')}:`;
    const store = new RedisStateStore({ client, keyPrefix });
    await store.save('k', 1);
    await store.close();
    expect(client.isOpen).toBe(true);
    expect(await client.exists(`${keyPrefix}k`)).toBe(1);
    await client.del(`${keyPrefix}k`);
    await client.close();
  });
});
