import { randomUUID } from 'node:crypto';
import { AuditActions, type ApiKeyView, type CreateApiKeyBody, type IssuedApiKey, type VerifiedApiKey } from '@shop/contracts';
import { AppError, noAuditRecorder, type AuditRecorder, type Logger } from '@shop/kernel';
import { looksLikeApiKey, prefixOf, type ApiKeyHasher } from './api-key';
import type { ApiKeyChangeNotifier, ApiKeyRecord, ApiKeysRepository } from './api-keys.ports';

/** What the API key service is built from. */
export interface ApiKeysServiceDeps {
  repository: ApiKeysRepository;
  hasher: ApiKeyHasher;
  notifier: ApiKeyChangeNotifier;
  /** How long a rotated-away key keeps working. */
  rotationGraceMs: number;
  audit?: AuditRecorder;
  logger: Logger;
  now?: () => Date;
}

/** The admin acting on keys. */
export interface ApiKeyAdmin {
  userId: string;
}

/**
 * Partner API keys: issued, listed, rotated and revoked by admins, verified for the partner API. The key itself is
 * returned once, when it is made, and never stored.
 */
export class ApiKeysService {
  private readonly now: () => Date;
  private readonly audit: AuditRecorder;

  constructor(private readonly deps: ApiKeysServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.audit = deps.audit ?? noAuditRecorder;
  }

  /** Issues a key; the answer is the only place its value appears. */
  async issue(admin: ApiKeyAdmin, body: CreateApiKeyBody): Promise<IssuedApiKey> {
    const secret = this.deps.hasher.newSecret();
    const at = this.now();
    const key = await this.deps.repository.insert(
      { id: randomUUID(), name: body.name, tier: body.tier, scopes: body.scopes, createdBy: admin.userId, createdAt: at },
      { prefix: secret.prefix, secretHash: secret.secretHash },
    );
    this.audit.record({ actor: { type: 'user', id: admin.userId }, action: AuditActions.apiKeyCreated, subject: { type: 'api_key', id: key.id }, details: { name: key.name, tier: key.tier, scopes: key.scopes, prefix: key.prefix }, at });
    return issuedView(key, secret.key, at);
  }

  /** Every key, newest first, without their values. */
  async list(): Promise<ApiKeyView[]> {
    return (await this.deps.repository.list(this.now())).map(keyView);
  }

  /** Makes a new key for `keyId`; the previous one works for the grace period, then stops. */
  async rotate(admin: ApiKeyAdmin, keyId: string): Promise<IssuedApiKey> {
    const secret = this.deps.hasher.newSecret();
    const at = this.now();
    const previousValidUntil = new Date(at.getTime() + this.deps.rotationGraceMs);
    const outcome = await this.deps.repository.rotate(keyId, { prefix: secret.prefix, secretHash: secret.secretHash }, at, previousValidUntil);
    if (outcome.kind === 'not_found') throw new AppError('not_found', `No API key ${keyId}`);
    if (outcome.kind === 'revoked') throw new AppError('conflict', 'A revoked API key cannot be rotated; issue a new one');
    await this.notify(() => this.deps.notifier.rotated(keyId, at, previousValidUntil), keyId);
    this.audit.record({ actor: { type: 'user', id: admin.userId }, action: AuditActions.apiKeyRotated, subject: { type: 'api_key', id: keyId }, details: { prefix: secret.prefix, previousKeyValidUntil: previousValidUntil.toISOString() }, at });
    return issuedView(outcome.key, secret.key, at);
  }

  /** Revokes `keyId` at once (every secret it has had); revoking a revoked key changes nothing. */
  async revoke(admin: ApiKeyAdmin, keyId: string): Promise<void> {
    const at = this.now();
    const outcome = await this.deps.repository.revoke(keyId, at);
    if (outcome.kind === 'not_found') throw new AppError('not_found', `No API key ${keyId}`);
    // Sent again on a repeated revocation too: a replica that missed the first event gets a second chance.
    await this.notify(() => this.deps.notifier.revoked(keyId, at), keyId);
    if (!outcome.alreadyRevoked) {
      this.audit.record({ actor: { type: 'user', id: admin.userId }, action: AuditActions.apiKeyRevoked, subject: { type: 'api_key', id: keyId }, details: {}, at });
    }
  }

  /**
   * Who a presented key belongs to, or undefined when it opens nothing now (malformed, unknown, revoked, or rotated
   * away and past its grace). Every candidate under the prefix is compared, in constant time.
   */
  async verify(presented: string): Promise<VerifiedApiKey | undefined> {
    if (!looksLikeApiKey(presented)) return undefined;
    const now = this.now();
    const candidates = await this.deps.repository.candidatesWithPrefix(prefixOf(presented));
    const match = candidates.find((candidate) => this.deps.hasher.matches(presented, candidate.secretHash));
    if (!match || match.revokedAt !== null || (match.validUntil !== null && match.validUntil.getTime() <= now.getTime())) return undefined;
    await this.deps.repository.touchLastUsed(match.keyId, now);
    return { keyId: match.keyId, tier: match.tier, scopes: match.scopes, validUntil: match.validUntil?.toISOString() ?? null };
  }

  /**
   * The change is committed before replicas hear of it; should the broadcast fail, each replica's cache expiry
   * (API_KEY_CACHE_TTL_SECONDS in catalog) still bounds how long it trusts the old answer, so it is logged, not thrown.
   */
  private async notify(send: () => Promise<void>, keyId: string): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.deps.logger.error({ err: error, keyId }, 'the API key change is saved but could not be broadcast: replicas drop their cached answer when it expires');
    }
  }
}

function keyView(key: ApiKeyRecord): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    tier: key.tier,
    scopes: key.scopes,
    prefix: key.prefix,
    status: key.revokedAt ? 'revoked' : 'active',
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    rotatedAt: key.rotatedAt?.toISOString() ?? null,
    previousKeyValidUntil: key.previousKeyValidUntil?.toISOString() ?? null,
  };
}

/** The answer that shows a key once; `at` is when this value was made (issued or rotated). */
function issuedView(key: ApiKeyRecord, value: string, at: Date): IssuedApiKey {
  return { id: key.id, name: key.name, tier: key.tier, scopes: key.scopes, prefix: prefixOf(value), key: value, createdAt: at.toISOString() };
}
