import { loadRedisDriver } from './drivers';

/** How long a Redis command may take before the adapter gives up on it, unless the adapter is told otherwise. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 250;

/** Settings of a client the adapter opens itself (a shared client keeps its owner's). */
export interface OwnedClientSettings {
  /**
   * Reject commands at once while the client is disconnected (reconnecting) instead of queueing them until it is
   * back: a request-path adapter would rather fail fast and let its caller fall back.
   */
  disableOfflineQueue?: boolean;
}

/** Opens a plain client: no modules, scripts or functions, the protocol node-redis v6 defaults to. */
function createPlainClient(url: string, settings: OwnedClientSettings = {}) {
  return loadRedisDriver().createClient({ url, disableOfflineQueue: settings.disableOfflineQueue });
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
export async function connectRedis(options: RedisConnectionOptions, onError: (error: unknown) => void, settings: OwnedClientSettings = {}): Promise<OwnedRedisClient> {
  if (options.client) {
    if (!options.client.isOpen) await options.client.connect();
    return { client: options.client, owned: false };
  }
  const client = createPlainClient(options.url, settings);
  // node-redis reconnects on its own; without an 'error' listener a dropped connection would crash the process.
  client.on('error', onError);
  await client.connect();
  return { client, owned: true };
}

/** A Redis command (or the connect before it) that did not answer within the adapter's command timeout. */
export class RedisCommandTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Redis did not answer within ${timeoutMs} ms`);
    this.name = 'RedisCommandTimeoutError';
  }
}

/**
 * Settles like `operation`, or rejects with RedisCommandTimeoutError after `timeoutMs`. node-redis's own per-command
 * `timeout` only covers the time a command waits to be written: once it is on the socket of a server that stopped
 * answering, nothing ends the wait, so the adapter bounds it here. The late reply, if any, is read and dropped.
 */
export async function withCommandTimeout<T>(operation: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisCommandTimeoutError(timeoutMs)), timeoutMs);
    // A pending timeout must not keep a process that is otherwise done alive.
    timer.unref();
  });
  try {
    return await Promise.race([operation, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
