import { silentLogger, type Logger } from '@shop/kernel';
import { loadRedisDriver } from './drivers';
import type { StreamingCredentialsProvider } from './redis-entra-credentials';

/**
 * How long a Redis command may take before the adapter gives up on it, unless the adapter is told otherwise. 500 ms,
 * not less: in the production-shape checkout loop a 250 ms limit fired on a healthy Redis whenever both cores were
 * saturated, turning load into 503s, while 500 ms still lets a request on a stalled Redis answer 503 within a second.
 */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 500;

/**
 * How long a call waits for a client's first connection before it fails. Only the first one: once a client has been
 * connected, a call made while it reconnects fails at once (its caller answers 503 now rather than later).
 */
export const DEFAULT_REDIS_CONNECT_WAIT_MS = 500;

/** The longest pause between two reconnection attempts, so a client is back within about a second of Redis. */
const MAX_RECONNECT_DELAY_MS = 1000;

/** Each connection attempt (TCP and TLS handshake) gives up after this long and is tried again. */
const SOCKET_CONNECT_TIMEOUT_MS = 2000;

/** A graceful close waits this long for replies still owed (none come from a stalled server), then the socket is destroyed. */
const CLOSE_GRACE_MS = 1000;

/**
 * The pause before reconnection attempt `retries` (0-based): 50 ms doubling up to a second, plus up to 100 ms of
 * jitter so replicas do not reconnect in lockstep. It never gives up: node-redis's default stops on a socket timeout,
 * which would leave a service without Redis until it is restarted.
 */
export function redisReconnectDelayMs(retries: number): number {
  return Math.min(50 * 2 ** Math.min(retries, 10), MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 100);
}

/** Opens a plain client: no modules, scripts or functions, the protocol node-redis v6 defaults to. */
function createPlainClient(url: string, credentialsProvider?: StreamingCredentialsProvider) {
  return loadRedisDriver().createClient({
    url,
    // Azure Cache for Redis with Entra ID: the identity's tokens, renewed on the open connection before they expire.
    ...(credentialsProvider ? { credentialsProvider } : {}),
    // Commands sent while the client is disconnected reject at once instead of queueing until Redis is back.
    disableOfflineQueue: true,
    socket: { reconnectStrategy: redisReconnectDelayMs, connectTimeout: SOCKET_CONNECT_TIMEOUT_MS },
  });
}

/** A node-redis client (v6) as `createClient({ url })` makes it. */
export type RedisClient = ReturnType<typeof createPlainClient>;

/** Where a Redis adapter gets its connection: a URL (the adapter owns the client) or a client the service shares. */
export type RedisConnectionOptions = { url: string; credentials?: StreamingCredentialsProvider; client?: never } | { client: RedisClient; url?: never; credentials?: never };

/** A Redis command (or the connect before it) that did not answer within the adapter's command timeout. */
export class RedisCommandTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Redis did not answer within ${timeoutMs} ms`);
    this.name = 'RedisCommandTimeoutError';
  }
}

/** A call made while the client has no connection to Redis (never connected yet, or reconnecting). */
export class RedisNotConnectedError extends Error {
  constructor(what: string) {
    super(`${what} is not connected to Redis`);
    this.name = 'RedisNotConnectedError';
  }
}

/** Error replies that mean "Redis cannot serve this now" (loading, failing over, out of memory...), not "this command is wrong". */
const unavailableReply = /^(LOADING|READONLY|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF|OOM)\b/;

/**
 * True when a failed Redis call says Redis is unreachable, stalled or cannot serve right now; false for an error reply
 * that blames the command itself (WRONGTYPE, a script error), which is a bug and must not read as an outage.
 */
export function isRedisOutage(error: unknown): boolean {
  // Not `instanceof Error`: a socket's system error (ECONNRESET) comes from another realm under a test runner.
  if (typeof error !== 'object' || error === null || !('message' in error)) return false;
  if (error instanceof RedisCommandTimeoutError || error instanceof RedisNotConnectedError) return true;
  if (error instanceof loadRedisDriver().ErrorReply) return unavailableReply.test(error.message);
  // Everything else a client throws is about the connection: offline, closed under us, refused, reset.
  return true;
}

/**
 * Settles like `operation`, or rejects with RedisCommandTimeoutError after `timeoutMs`. node-redis's own per-command
 * `timeout` only covers the time a command waits to be written: once it is on the socket of a server that stopped
 * answering, nothing ends the wait, so the adapter bounds it here. The late reply, if any, is read and dropped.
 *
 * The rejection waits for the I/O phase of the event loop that follows the timer: when the process itself was busy
 * past the deadline, the answer may already wait in the socket, and a healthy Redis must not count as a stalled one.
 */
export async function withCommandTimeout<T>(operation: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let afterIo: NodeJS.Immediate | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      afterIo = setImmediate(() => reject(new RedisCommandTimeoutError(timeoutMs)));
    }, timeoutMs);
    // A pending timeout must not keep a process that is otherwise done alive.
    timer.unref();
  });
  try {
    return await Promise.race([operation, timedOut]);
  } finally {
    clearTimeout(timer);
    if (afterIo) clearImmediate(afterIo);
  }
}

/** What a connection is called in logs, and where it logs. */
export interface RedisConnectionSettings {
  /** E.g. `redis state store`. */
  name: string;
  logger?: Logger;
}

/**
 * One Redis client of an adapter, opened on first use and kept for the adapter's life: node-redis reconnects it by
 * itself (backing off up to a second), so nothing has to be rebuilt after an outage. It answers calls with the client
 * when it is connected, or fails them at once when it is not (the first connection is waited for, briefly). The
 * connection's own errors are logged once per outage, not once per reconnection attempt.
 */
export class RedisConnection {
  private client?: RedisClient;
  private readonly owned: boolean;
  private readonly logger: Logger;
  private everReady = false;
  private firstReady?: Promise<void>;
  private outage = false;
  private closed = false;
  private readonly readyListeners: Array<() => void> = [];

  constructor(
    private readonly options: RedisConnectionOptions | { duplicateOf: RedisClient },
    private readonly settings: RedisConnectionSettings,
  ) {
    this.owned = !('client' in options && options.client);
    this.logger = settings.logger ?? silentLogger;
  }

  /** A connection of its own (for blocking reads) with the same settings, owned by the caller. */
  duplicate(name: string): RedisConnection {
    return new RedisConnection({ duplicateOf: this.open() }, { name, logger: this.logger });
  }

  /** Calls `listener` each time the client (re)connects, e.g. to refresh what is known about the server. */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /**
   * The client, connected. Before its first connection it waits up to `firstConnectWaitMs` for it; afterwards a
   * client that is reconnecting fails at once with RedisNotConnectedError.
   */
  async ready(firstConnectWaitMs = DEFAULT_REDIS_CONNECT_WAIT_MS): Promise<RedisClient> {
    if (this.closed) throw new RedisNotConnectedError(`${this.settings.name} (closed)`);
    const client = this.open();
    if (client.isReady) return client;
    if (this.everReady) throw new RedisNotConnectedError(this.settings.name);
    await withCommandTimeout(this.firstReady!, firstConnectWaitMs).catch((error: unknown) => {
      throw error instanceof RedisCommandTimeoutError ? new RedisNotConnectedError(this.settings.name) : error;
    });
    return client;
  }

  /** Closes the client if this connection opened it (a shared client is left to its owner), waiting briefly for owed replies. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = this.client;
    if (!client || !this.owned) return;
    if (!client.isOpen) {
      client.destroy();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
    await Promise.race([client.close().catch(() => undefined), graceOver]);
    clearTimeout(timer);
    client.destroy();
  }

  /** Destroys the client at once (a stalled connection is dropped, with whatever it still had to send). */
  destroy(): void {
    this.closed = true;
    if (this.client && this.owned) this.client.destroy();
  }

  private open(): RedisClient {
    if (this.client) return this.client;
    const client = 'duplicateOf' in this.options ? this.options.duplicateOf.duplicate() : (this.options.client ?? createPlainClient(this.options.url, this.options.credentials));
    this.client = client;
    this.firstReady = new Promise<void>((resolve) => client.once('ready', () => resolve()));
    // A never-settling wait must not count as an unhandled rejection or keep anything alive.
    this.firstReady.catch(() => undefined);
    client.on('ready', () => this.connected());
    if (this.owned) {
      // Without an 'error' listener a dropped connection would crash the process.
      client.on('error', (error: unknown) => this.connectionFailed(error));
    }
    if (client.isReady) this.everReady = true;
    // node-redis retries the connection by itself until it succeeds; each failed attempt is reported on 'error'.
    else if (!client.isOpen) client.connect().catch(() => undefined);
    return client;
  }

  private connected(): void {
    this.everReady = true;
    if (this.outage) this.logger.info({ connection: this.settings.name }, 'redis connection is back');
    this.outage = false;
    for (const listener of this.readyListeners) listener();
  }

  private connectionFailed(error: unknown): void {
    if (this.closed) return;
    if (this.outage) {
      this.logger.debug({ err: error, connection: this.settings.name }, 'redis reconnection attempt failed');
      return;
    }
    this.outage = true;
    this.logger.warn({ err: error, connection: this.settings.name }, 'redis connection lost; reconnecting');
  }
}
