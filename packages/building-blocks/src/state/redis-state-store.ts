import { randomBytes } from 'node:crypto';
import { connectRedis, DEFAULT_REDIS_COMMAND_TIMEOUT_MS, withCommandTimeout, type OwnedRedisClient, type RedisConnectionOptions } from '../redis-connection';
import { assertValidSaveOptions, toStateJson } from './save-options';
import { EtagMismatchError, type SaveOptions, type StateEntry, type StateStore } from './state-store';
import { silentLogger, type Logger } from '@shop/kernel';

/** Options of the Redis state store. */
export type RedisStateStoreOptions = RedisConnectionOptions & {
  /** Prepended to every key (e.g. `cart:`), so several stores and test runs share one Redis. */
  keyPrefix: string;
  logger?: Logger;
  /**
   * How long one command may take before it rejects with RedisCommandTimeoutError, so a dead or stalled Redis
   * costs its caller this long and not seconds (its outcome is then unknown: a write may still land). Default 250 ms.
   */
  commandTimeoutMs?: number;
};

/**
 * Each key is a hash {d: JSON value, e: ETag}. The guard, the write and the expiry happen in one script, so no
 * other writer can slip in between the ETag check and the write.
 * ARGV: 1 mode (any | absent | match), 2 expected ETag, 3 JSON, 4 new ETag, 5 TTL in ms ('' = none).
 */
const saveScript = `
local current = redis.call('HGET', KEYS[1], 'e')
if ARGV[1] == 'absent' and current then return 0 end
if ARGV[1] == 'match' and current ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'd', ARGV[3], 'e', ARGV[4])
if ARGV[5] == '' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
return 1`;

/** ARGV: 1 expected ETag ('' = unconditional). A missing key counts as deleted, whatever the ETag. */
const deleteScript = `
local current = redis.call('HGET', KEYS[1], 'e')
if not current then return 1 end
if ARGV[1] ~= '' and current ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

/**
 * StateStore on Redis (Azure Cache for Redis in production, when not going through Dapr). ETags are random per
 * write rather than a per-key counter, so a key deleted and created again never reuses an ETag someone still holds.
 */
export class RedisStateStore implements StateStore {
  private readonly prefix: string;
  private readonly logger: Logger;
  private connection?: Promise<OwnedRedisClient>;
  private readonly options: RedisStateStoreOptions;
  private readonly commandTimeoutMs: number;

  constructor(options: RedisStateStoreOptions) {
    this.options = options;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS;
    this.prefix = options.keyPrefix;
    this.logger = options.logger ?? silentLogger;
  }

  async get<T>(key: string): Promise<StateEntry<T> | undefined> {
    const { client } = await this.connect();
    const [json, etag] = await this.bounded(client.hmGet(this.prefix + key, ['d', 'e']));
    if (json === null || etag === null) return undefined;
    return { key, value: JSON.parse(json) as T, etag };
  }

  async save<T>(key: string, value: T, options: SaveOptions = {}): Promise<string> {
    assertValidSaveOptions(options);
    const json = toStateJson(key, value);
    const { client } = await this.connect();
    const etag = randomBytes(12).toString('base64url');
    const mode = options.onlyIfAbsent ? 'absent' : options.etag !== undefined ? 'match' : 'any';
    const ttl = options.ttlSeconds === undefined ? '' : String(Math.max(1, Math.round(options.ttlSeconds * 1000)));
    const saved = await this.bounded(client.eval(saveScript, { keys: [this.prefix + key], arguments: [mode, options.etag ?? '', json, etag, ttl] }));
    if (saved !== 1) throw new EtagMismatchError(key);
    return etag;
  }

  async delete(key: string, options: { etag?: string } = {}): Promise<void> {
    const { client } = await this.connect();
    const deleted = await this.bounded(client.eval(deleteScript, { keys: [this.prefix + key], arguments: [options.etag ?? ''] }));
    if (deleted !== 1) throw new EtagMismatchError(key);
  }

  /**
   * One command, bounded by the command timeout: a stalled Redis costs this long, not seconds. Connecting is bounded
   * by the client's own connect timeout instead (a TLS handshake to a managed cache may take longer than a command).
   */
  private bounded<R>(command: Promise<R>): Promise<R> {
    return withCommandTimeout(command, this.commandTimeoutMs);
  }

  /** Closes the connection if the store opened it (a shared client is left to its owner). */
  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    const { client, owned } = await connection.catch(() => ({ client: undefined, owned: false }));
    if (owned && client?.isOpen) await client.close();
  }

  /** Connects on first use, so constructing the store never throws and wiring stays synchronous. */
  private connect(): Promise<OwnedRedisClient> {
    if (!this.connection) {
      this.connection = connectRedis(this.options, (error) => this.logger.error({ err: error }, 'redis state store connection error'), {
        disableOfflineQueue: true,
      });
      // A failed connect is not cached: the next call tries again.
      this.connection.catch(() => (this.connection = undefined));
    }
    return this.connection;
  }
}
