import type { Request, RequestHandler, Response } from 'express';
import type { RateLimitDecision, RateLimiter } from '@shop/building-blocks';
import { AuditActions, apiKeyPattern, type ApiKeyScope, type ApiKeyTier, type VerifiedApiKey } from '@shop/contracts';
import { AppError, type AuditRecorder } from '@shop/kernel';
import type { RateLimitRejectionRecorder } from '@shop/platform';
import type { ApiKeyVerifier } from '../domain/api-key-verifier';

/** The sliding window of the tier limits: requests per minute. */
export const PartnerRateLimitWindowMs = 60_000;

/** Cache-Control of every answer to a key: it names the key's own limits, so no shared cache may keep it. */
export const partnerCacheControl = 'private, no-cache';

/** What the partner access checks are built from. */
export interface PartnerAccessDeps {
  /** Without it (or without the limiter) every keyed partner route answers 503. */
  apiKeys?: ApiKeyVerifier;
  rateLimiter?: RateLimiter;
  /** Requests per minute of each tier (PARTNER_RATE_LIMIT_*_PER_MINUTE). */
  tierLimits: Readonly<Record<ApiKeyTier, number>>;
  /** Counts refused requests, with the tier as the scope. */
  rejections: RateLimitRejectionRecorder;
  /** Each keyed request is audited when its answer is sent. */
  audit?: AuditRecorder;
  /** The path the partner router is mounted at, which the audited route pattern starts with. */
  basePath: string;
}

/** What a request learned about its caller, kept in `res.locals.partner`. */
interface PartnerRequestState {
  key: VerifiedApiKey;
  /** The matched route pattern (`/api/partner/v1/products/:id`), set by the route's guard. */
  route?: string;
  startedAt: bigint;
}

/** The partner access checks: `authenticate` once per router, then `guard(scope)` at the head of each route. */
export interface PartnerAccess {
  /**
   * Takes the key from `X-API-Key` or `Authorization: Bearer`, refuses a malformed one without asking auth, verifies
   * the rest (cached), and audits the request when its answer is sent. 401 with WWW-Authenticate when there is no
   * valid key (the answer says no more), 503 when the key cannot be verified or the partner API is not configured.
   */
  authenticate: RequestHandler;
  /**
   * Checks the scope (403), then counts the request against the key's tier limit: sets the RateLimit-* headers,
   * and refuses a request beyond the limit with 429 and Retry-After before any work is done; a limiter that cannot
   * be asked is a 503 (fail closed).
   */
  guard(scope?: ApiKeyScope): RequestHandler;
  /** The verified key of a request that passed `authenticate`. */
  keyOf(res: Response): VerifiedApiKey;
}

/** `WWW-Authenticate` of a 401 (RFC 6750 wording; the key is a bearer credential too). */
const challenge = 'Bearer realm="partner-api", charset="UTF-8"';

/** Builds the partner access checks. */
export function createPartnerAccess(deps: PartnerAccessDeps): PartnerAccess {
  const stateOf = (res: Response): PartnerRequestState => {
    const state = res.locals.partner as PartnerRequestState | undefined;
    if (!state) throw new Error('partner guard used without authenticate');
    return state;
  };

  const auditOnFinish = (req: Request, res: Response, state: PartnerRequestState): void => {
    if (!deps.audit) return;
    const audit = deps.audit;
    res.once('finish', () => {
      audit.record({
        actor: { type: 'api_key', id: state.key.keyId },
        action: AuditActions.partnerRequest,
        subject: null,
        details: {
          method: req.method,
          route: state.route ?? 'unmatched',
          status: res.statusCode,
          durationMs: Math.round(Number(process.hrtime.bigint() - state.startedAt) / 1e5) / 10,
          tier: state.key.tier,
        },
      });
    });
  };

  const authenticate: RequestHandler = async (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    if (!deps.apiKeys || !deps.rateLimiter) throw new AppError('unavailable', 'The partner API is not available on this server', { retryAfterSeconds: 30 });
    const presented = presentedKey(req);
    if (presented === undefined) {
      res.setHeader('WWW-Authenticate', challenge);
      throw new AppError('unauthorized', 'An API key is required: send it as X-API-Key or Authorization: Bearer');
    }
    // A JWT, a typo or garbage never reaches auth: only what looks like one of our keys is worth a verification.
    const key = apiKeyPattern.test(presented) ? await deps.apiKeys.verify(presented) : undefined;
    if (!key) {
      res.setHeader('WWW-Authenticate', `${challenge}, error="invalid_token"`);
      throw new AppError('unauthorized', 'The API key is invalid');
    }
    const state: PartnerRequestState = { key, startedAt };
    res.locals.partner = state;
    auditOnFinish(req, res, state);
    next();
  };

  const guard = (scope?: ApiKeyScope): RequestHandler =>
    async (req, res, next) => {
      const state = stateOf(res);
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      if (typeof routePath === 'string') state.route = `${deps.basePath}${routePath === '/' ? '' : routePath}`;
      res.setHeader('Cache-Control', partnerCacheControl);
      if (scope && !state.key.scopes.includes(scope)) throw new AppError('forbidden', `This API key does not have the ${scope} scope`);
      const limit = deps.tierLimits[state.key.tier];
      const decision = await consume(deps.rateLimiter!, `partner:${state.key.keyId}`, limit);
      setRateLimitHeaders(res, decision);
      if (!decision.allowed) {
        deps.rejections.rejected(state.key.tier);
        throw new AppError('too_many_requests', `This API key may make ${decision.limit} requests per minute; retry in ${decision.resetSeconds} s`, {
          retryAfterSeconds: decision.resetSeconds,
        });
      }
      next();
    };

  return { authenticate, guard, keyOf: (res) => stateOf(res).key };
}

/** The limiter's decision; anything but its own `unavailable` becomes one too: the partner API fails closed. */
async function consume(limiter: RateLimiter, subject: string, limit: number): Promise<RateLimitDecision> {
  try {
    return await limiter.consume(subject, limit, PartnerRateLimitWindowMs);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('unavailable', 'Rate limits cannot be checked right now; try again', { retryAfterSeconds: 1, cause: error });
  }
}

function setRateLimitHeaders(res: Response, decision: RateLimitDecision): void {
  res.setHeader('RateLimit-Limit', String(decision.limit));
  res.setHeader('RateLimit-Remaining', String(decision.remaining));
  res.setHeader('RateLimit-Reset', String(decision.resetSeconds));
}

/** The key as sent: X-API-Key, else the credentials of `Authorization: Bearer`; undefined when neither is there. */
function presentedKey(req: Request): string | undefined {
  const header = req.header('x-api-key');
  if (header !== undefined && header.trim() !== '') return header.trim();
  const authorization = req.header('authorization');
  if (authorization === undefined) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  // Another scheme (Basic...) is a credential we do not take: as good as no key, but said the same way as a bad one.
  return bearer ? bearer[1] : authorization.trim() === '' ? undefined : authorization;
}
