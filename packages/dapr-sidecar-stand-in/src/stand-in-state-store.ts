/** A Dapr API error: the HTTP status and the `{errorCode, message}` body the sidecar answers with. */
export class DaprApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'DaprApiError';
  }
}

/** One item of `POST /v1.0/state/{store}`, as documented. */
export interface StateSaveItem {
  key: string;
  value: unknown;
  etag?: string;
  options?: { concurrency?: 'first-write' | 'last-write'; consistency?: 'eventual' | 'strong' };
  metadata?: Record<string, string>;
}

interface StoredItem {
  json: string;
  version: number;
  /** Epoch ms; undefined = no expiry. */
  expiresAt?: number;
}

/**
 * One state store component, in memory, following the documented state API: ETags are versions (numbers, so a
 * malformed one is a 400 like Redis' "invalid etag"), an ETag must match the stored one (409 otherwise), first-write
 * without an ETag only creates, and `ttlInSeconds` sets (or with -1 removes) the expiry while a save without it keeps
 * the current one, as the Redis component does.
 */
export class StandInStateStore {
  private readonly items = new Map<string, StoredItem>();
  /** One counter per store: an ETag is never reused, not even after delete and re-create. */
  private lastVersion = 0;

  constructor(
    public readonly name: string,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): { json: string; etag: string } | undefined {
    const item = this.live(key);
    return item && { json: item.json, etag: String(item.version) };
  }

  save(item: StateSaveItem, requestMetadata: Record<string, string>): void {
    if (typeof item.key !== 'string' || item.key === '' || item.key.includes('||')) {
      throw new DaprApiError(400, 'ERR_MALFORMED_REQUEST', `invalid state key "${String(item.key)}"`);
    }
    const ttl = parseTtl(item.metadata?.ttlInSeconds ?? requestMetadata.ttlInSeconds, this.name);
    const current = this.live(item.key);
    const concurrency = item.options?.concurrency;
    const hasEtag = item.etag !== undefined && item.etag !== '';
    if (hasEtag && concurrency !== 'last-write') {
      if (!/^[0-9]+$/.test(item.etag!)) throw etagInvalid(this.name, item.key, item.etag!);
      if (!current || String(current.version) !== item.etag) throw etagMismatch('ERR_STATE_SAVE', this.name, item.key);
    } else if (!hasEtag && concurrency === 'first-write' && current) {
      // First-write without an ETag succeeds only for a key that does not exist (Dapr's state conformance tests).
      throw etagMismatch('ERR_STATE_SAVE', this.name, item.key);
    }
    this.lastVersion += 1;
    let expiresAt = current?.expiresAt;
    if (ttl === -1) expiresAt = undefined;
    else if (ttl !== undefined) expiresAt = this.now() + ttl * 1000;
    this.items.set(item.key, { json: JSON.stringify(item.value ?? null), version: this.lastVersion, expiresAt });
  }

  delete(key: string, ifMatch: string | undefined): void {
    const current = this.live(key);
    if (!current) return;
    if (ifMatch !== undefined && ifMatch !== '' && String(current.version) !== ifMatch) throw etagMismatch('ERR_STATE_DELETE', this.name, key);
    this.items.delete(key);
  }

  private live(key: string): StoredItem | undefined {
    const item = this.items.get(key);
    if (item?.expiresAt !== undefined && item.expiresAt <= this.now()) {
      this.items.delete(key);
      return undefined;
    }
    return item;
  }
}

function parseTtl(value: string | undefined, store: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^-?[0-9]+$/.test(value)) throw new DaprApiError(400, 'ERR_STATE_SAVE', `failed saving state in state store ${store}: invalid ttlInSeconds "${value}"`);
  const ttl = Number(value);
  return ttl <= 0 ? -1 : ttl;
}

function etagMismatch(errorCode: string, store: string, key: string): DaprApiError {
  return new DaprApiError(409, errorCode, `failed saving state in state store ${store}: possible etag mismatch. error from state store: failed to set key ${key}`);
}

function etagInvalid(store: string, key: string, etag: string): DaprApiError {
  return new DaprApiError(400, 'ERR_STATE_SAVE', `failed saving state in state store ${store}: invalid etag value: key ${key}, etag "${etag}"`);
}
