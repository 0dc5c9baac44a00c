import { createClient } from 'redis';

/** Removes every key a test created under its unique prefix, so suites sharing one Redis never see each other. */
export async function deleteRedisKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    await client.close();
  }
}
