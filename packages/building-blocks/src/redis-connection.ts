import { loadRedisDriver } from './drivers';

/** Opens a plain client: no modules, scripts or functions, the protocol node-redis v6 defaults to. */
function createPlainClient(url: string) {
  return loadRedisDriver().createClient({ url });
}

/** A node-redis client (v6) as `createClient({ url })` makes it. */
export type RedisClient = ReturnType<typeof createPlainClient>;

/** Where a Redis adapter gets its connection: a URL (the adapter owns the client) or a client the service shares. */
export type RedisConnectionOptions = { url: string; client?: never } | { client: RedisClient; url?: never };

/** A connected client and whether the adapter must close it. */
export interface OwnedRedisClient {
  client: RedisClient;
  owned: boolean;
}

/** Opens (or adopts) the connection described by the options. */
export async function connectRedis(options: RedisConnectionOptions, onError: (error: unknown) => void): Promise<OwnedRedisClient> {
  if (options.client) {
    if (!options.client.isOpen) await options.client.connect();
    return { client: options.client, owned: false };
  }
  const client = createPlainClient(options.url);
  // node-redis reconnects on its own; without an 'error' listener a dropped connection would crash the process.
  client.on('error', onError);
  await client.connect();
  return { client, owned: true };
}
