import { randomUUID } from 'node:crypto';
import {
  AuditActions,
  Roles,
  type AuthUser,
  type EmailVerificationConfirmBody,
  type LoginBody,
  type PasswordResetConfirmBody,
  type PasswordResetRequestBody,
  type RegisterBody,
  type Role,
  type TokenResponse,
  type UserContact,
} from '@shop/contracts';
import { AppError, noAuditRecorder, type AuditRecorder } from '@shop/kernel';
import type { PasswordHasher } from './password-hasher';
import { passwordPolicyViolations } from './password-policy';
import type { LoginThrottle } from './login-throttle';
import {
  emailVerificationLimitScope,
  generateOneTimeToken,
  hashOneTimeToken,
  linkEmailWindowSeconds,
  oneTimeTokenLifetimeSeconds,
  passwordResetLimitScope,
  type OneTimeTokenPurpose,
} from './one-time-token';
import type { AccessTokenIssuer, AuthContext, AuthStore, AuthTransaction, OneTimeLink, UserRecordPage } from './ports';
import { generateRefreshToken, hashRefreshToken, refusalOf } from './refresh-token';
import { normaliseEmail, toUserContact, toAuthUser, type UserRecord } from './user';

/** What the auth service needs. */
export interface AuthServiceDeps {
  store: AuthStore;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  tokens: AccessTokenIssuer;
  refreshTokenTtlSeconds: number;
  /** Called after a commit that wrote events to the outbox, so the relay publishes them without waiting to poll. */
  onEventsWritten?: () => void;
  /** Warnings worth an operator's attention (token replay). */
  onSecurityEvent?: (event: { kind: 'refresh_token_reuse'; userId: string; familyId: string }) => void;
  /** Where role changes are audited; default: nowhere. */
  audit?: AuditRecorder;
  now?: () => Date;
}

/** The answer to a registration, the same whether the e-mail was free or not. */
export interface RegistrationAccepted {
  email: string;
}

/** A session handed out by login or refresh: the reply body, and the refresh token that goes into the cookie. */
export interface SessionGrant {
  reply: TokenResponse;
  refreshToken: string;
  /** Seconds the refresh token lives: the cookie's Max-Age. */
  refreshTokenTtlSeconds: number;
}

/** One login failure answer for every cause, so the response does not tell which emails have accounts. */
const invalidCredentials = () => new AppError('unauthorized', 'The email or password is incorrect');
const invalidRefreshToken = () => new AppError('unauthorized', 'The refresh token is invalid, expired or revoked');
/** One answer for an unknown, expired and spent link: which one it was helps nobody but a guesser. */
const invalidResetLink = () =>
  new AppError('invalid', 'The reset link is invalid or has expired', { fields: [{ field: 'body.token', message: 'is invalid or has expired' }] });
const invalidVerificationLink = () =>
  new AppError('invalid', 'The verification link is invalid or has expired', { fields: [{ field: 'body.token', message: 'is invalid or has expired' }] });
const passwordRefused = (violations: string[]) =>
  new AppError('invalid', `The password ${violations.join('; ')}`, { fields: violations.map((message) => ({ field: 'body.password', message })) });

/** Every this many link requests, expired tokens and elapsed e-mail limits are deleted (bounded batches). */
const sweepEveryLinkRequests = 100;

/**
 * Accounts and sessions: registration, password login with throttling, refresh-token rotation with replay
 * detection, logout, and role administration.
 */
export class AuthService {
  private readonly now: () => Date;
  private linkRequestsSinceSweep = 0;

  constructor(private readonly deps: AuthServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Creates a customer account and writes `user.registered` and its e-mail verification link in the same
   * transaction. An e-mail that already has an account gets the same answer (and the same password hashing and as
   * many statements, so about the same time) but no second account: `user.registration_repeated` is written instead,
   * so its owner is told by e-mail and nobody else learns that the address is registered.
   */
  async register(_ctx: AuthContext, input: RegisterBody): Promise<RegistrationAccepted> {
    const email = normaliseEmail(input.email);
    const violations = passwordPolicyViolations(input.password, email);
    if (violations.length > 0) throw passwordRefused(violations);
    const passwordHash = await this.deps.hasher.hash(input.password);
    const attemptedAt = this.now();
    const verification = this.newLink('email_verification', attemptedAt);
    await this.deps.store.transaction(async (tx) => {
      const inserted = await tx.users.insertIfEmailFree({ id: randomUUID(), email, name: input.name, passwordHash, roles: [Roles.customer] });
      if (inserted) {
        await tx.events.userRegistered(inserted);
        // The new account's address is proved by the link of this e-mail; the limit's window starts with it.
        await tx.linkEmailLimits.claim(emailVerificationLimitScope(inserted.id), attemptedAt, linkEmailWindowSeconds);
        return this.storeLink(tx, inserted, 'email_verification', verification);
      }
      // The insert waited for any concurrent registration of this e-mail, so the account is visible here.
      const existing = await tx.users.findByEmail(email);
      if (existing) await tx.events.userRegistrationRepeated(existing, attemptedAt);
      // In place of the new account's verification link (a claim and an insert): as many indexed statements.
      await tx.oneTimeTokens.findUsable(hashOneTimeToken(verification.token), 'email_verification', attemptedAt);
      await tx.users.findByEmail(email);
    });
    this.deps.onEventsWritten?.();
    return { email };
  }

  /** Checks the password and starts a session (a new refresh-token family). Throttled per account and address. */
  async login(ctx: AuthContext, input: LoginBody): Promise<SessionGrant> {
    const email = normaliseEmail(input.email);
    // Reserved before the password is checked: concurrent attempts cannot all pass a check made before any failed.
    const decision = await this.deps.throttle.reserveAttempt(email, ctx.clientAddress);
    if (!decision.allowed) {
      throw new AppError('too_many_requests', 'Too many failed sign-in attempts; try again later', { retryAfterSeconds: decision.retryAfterSeconds });
    }
    const user = await this.deps.store.users.findByEmail(email);
    let valid = false;
    if (user) valid = await this.deps.hasher.verify(input.password, user.passwordHash);
    else await this.deps.hasher.verifyAgainstDummy(input.password);
    // A failure needs no further write: the reserved attempt is the count.
    if (!user || !valid) throw invalidCredentials();
    await this.deps.throttle.recordSuccess(email, ctx.clientAddress);
    if (this.deps.hasher.needsRehash(user.passwordHash)) {
      await this.deps.store.users.setPasswordHash(user.id, await this.deps.hasher.hash(input.password));
    }
    return this.deps.store.transaction(async (tx) => {
      const refreshToken = await this.issueRefreshToken(tx.refreshTokens, user.id, { familyId: randomUUID(), parentId: null });
      return this.grant(user, refreshToken);
    });
  }

  /**
   * Exchanges a refresh token for a new access and refresh token (rotation). A token that was already used is a
   * replay: its whole family is revoked, so the thief's and the victim's latest tokens both stop working. The
   * account is read again, so the new access token carries its current roles (a demoted admin loses admin here).
   */
  async refresh(_ctx: AuthContext, refreshToken: string): Promise<SessionGrant> {
    const tokenHash = hashRefreshToken(refreshToken);
    const now = this.now();
    const outcome = await this.deps.store.transaction(async (tx) => {
      const consumed = await tx.refreshTokens.consume(tokenHash, now);
      if (!consumed) {
        const existing = await tx.refreshTokens.findByHash(tokenHash);
        const refusal = refusalOf(existing, now);
        if (refusal === 'reused' && existing) {
          await tx.refreshTokens.revokeFamily(existing.familyId, now);
          return { ok: false as const, replay: { userId: existing.userId, familyId: existing.familyId } };
        }
        return { ok: false as const };
      }
      const user = await tx.users.findById(consumed.userId);
      if (!user) return { ok: false as const };
      const next = await this.issueRefreshToken(tx.refreshTokens, user.id, { familyId: consumed.familyId, parentId: consumed.id });
      return { ok: true as const, grant: this.grant(user, next) };
    });
    if (outcome.ok) return outcome.grant;
    // Thrown after the commit: the family revocation must not be rolled back with the refusal.
    if (outcome.replay) this.deps.onSecurityEvent?.({ kind: 'refresh_token_reuse', ...outcome.replay });
    throw invalidRefreshToken();
  }

  /** Ends the session the refresh token belongs to (its whole family). Unknown tokens are ignored. */
  async logout(_ctx: AuthContext, refreshToken: string): Promise<void> {
    const existing = await this.deps.store.refreshTokens.findByHash(hashRefreshToken(refreshToken));
    if (existing && !existing.revokedAt) await this.deps.store.refreshTokens.revokeFamily(existing.familyId, this.now());
  }

  /** "Sign out everywhere": revokes every refresh-token family of the caller. Access tokens run out on their own. */
  async revokeAllSessions(ctx: AuthContext): Promise<void> {
    if (!ctx.principal) throw new AppError('unauthorized', 'Sign in to do this');
    await this.deps.store.refreshTokens.revokeAllOfUser(ctx.principal.userId, this.now());
  }

  /**
   * Sends a password reset link to the address when it has an account, at most once a minute. The caller learns
   * nothing: unknown addresses take the same steps (a token is generated and hashed, the limit claimed, a transaction
   * of as many statements run), and the answer is the same.
   */
  async requestPasswordReset(_ctx: AuthContext, input: PasswordResetRequestBody): Promise<void> {
    const email = normaliseEmail(input.email);
    const now = this.now();
    const user = await this.deps.store.users.findByEmail(email);
    const link = this.newLink('password_reset', now);
    const sent = await this.deps.store.transaction(async (tx) => {
      const allowed = await tx.linkEmailLimits.claim(passwordResetLimitScope(email), now, linkEmailWindowSeconds);
      if (user && allowed) {
        await this.storeLink(tx, user, 'password_reset', link);
        return true;
      }
      // In place of the two writes of a sent link: the same kind of indexed statements, so the time does not tell.
      await tx.oneTimeTokens.findUsable(hashOneTimeToken(link.token), 'password_reset', now);
      await tx.users.findByEmail(email);
      return false;
    });
    if (sent) this.deps.onEventsWritten?.();
    await this.sweepNowAndThen(now);
  }

  /**
   * Sets a new password with the token of a reset link (same policy as registration). The token is spent atomically
   * (single use), and with it every other reset link of the account and every session (all refresh-token families).
   * The link came by e-mail, so the address counts as verified from then on.
   */
  async confirmPasswordReset(ctx: AuthContext, input: PasswordResetConfirmBody): Promise<void> {
    const tokenHash = hashOneTimeToken(input.token);
    // Looked at without spending first: a password the policy refuses must leave the link usable for a better one.
    const found = await this.deps.store.oneTimeTokens.findUsable(tokenHash, 'password_reset', this.now());
    const user = found && (await this.deps.store.users.findById(found.userId));
    if (!user) throw invalidResetLink();
    const violations = passwordPolicyViolations(input.password, user.email);
    if (violations.length > 0) throw passwordRefused(violations);
    const passwordHash = await this.deps.hasher.hash(input.password);
    const spentAt = this.now();
    const changed = await this.deps.store.transaction(async (tx) => {
      const consumed = await tx.oneTimeTokens.consume(tokenHash, 'password_reset', spentAt);
      if (!consumed) return false;
      await tx.users.setPasswordHash(consumed.userId, passwordHash);
      await tx.users.markEmailVerified(consumed.userId);
      await tx.oneTimeTokens.spendAllOfUser(consumed.userId, 'password_reset', spentAt);
      await tx.refreshTokens.revokeAllOfUser(consumed.userId, spentAt);
      return true;
    });
    // Another request spent the token between the look and the spend.
    if (!changed) throw invalidResetLink();
    // The owner proved who they are: their own failed attempts no longer hold them back from signing in.
    await this.deps.throttle.recordSuccess(user.email, ctx.clientAddress);
  }

  /** Sends the caller a new verification link (at most once a minute); `conflict` when the address is verified already. */
  async requestEmailVerification(ctx: AuthContext): Promise<void> {
    if (!ctx.principal) throw new AppError('unauthorized', 'Sign in to do this');
    const user = await this.deps.store.users.findById(ctx.principal.userId);
    if (!user) throw new AppError('unauthorized', 'The account of this token no longer exists');
    if (user.emailVerified) throw new AppError('conflict', 'The e-mail address is already verified');
    const now = this.now();
    const link = this.newLink('email_verification', now);
    const sent = await this.deps.store.transaction(async (tx) => {
      if (!(await tx.linkEmailLimits.claim(emailVerificationLimitScope(user.id), now, linkEmailWindowSeconds))) return false;
      await this.storeLink(tx, user, 'email_verification', link);
      return true;
    });
    if (sent) this.deps.onEventsWritten?.();
    await this.sweepNowAndThen(now);
  }

  /** Marks the address of the link's account verified, spending the link (and the account's other verification links). */
  async confirmEmailVerification(_ctx: AuthContext, input: EmailVerificationConfirmBody): Promise<AuthUser> {
    const tokenHash = hashOneTimeToken(input.token);
    const now = this.now();
    const verified = await this.deps.store.transaction(async (tx) => {
      const consumed = await tx.oneTimeTokens.consume(tokenHash, 'email_verification', now);
      if (!consumed) return undefined;
      await tx.oneTimeTokens.spendAllOfUser(consumed.userId, 'email_verification', now);
      return tx.users.markEmailVerified(consumed.userId);
    });
    if (!verified) throw invalidVerificationLink();
    return toAuthUser(verified);
  }

  /** The caller's own account. */
  async me(ctx: AuthContext): Promise<AuthUser> {
    if (!ctx.principal) throw new AppError('unauthorized', 'Sign in to do this');
    const user = await this.deps.store.users.findById(ctx.principal.userId);
    // A valid token for an account that no longer exists authenticates nobody.
    if (!user) throw new AppError('unauthorized', 'The account of this token no longer exists');
    return toAuthUser(user);
  }

  /** One account, for an admin or for its owner. */
  async getUser(ctx: AuthContext, id: string): Promise<AuthUser> {
    const principal = ctx.principal;
    if (!principal) throw new AppError('unauthorized', 'Sign in to do this');
    if (principal.userId !== id && !principal.roles.includes(Roles.admin)) throw new AppError('forbidden', 'This requires the admin role');
    const user = await this.deps.store.users.findById(id);
    if (!user) throw new AppError('not_found', `No user ${id}`);
    return toAuthUser(user);
  }

  /** The contact details of one account, for the platform's own services (notifications); no principal involved. */
  async getContact(id: string): Promise<UserContact> {
    const user = await this.deps.store.users.findById(id);
    if (!user) throw new AppError('not_found', `No user ${id}`);
    return toUserContact(user);
  }

  /** The contact details of every admin account, for the platform's own services (notifications). */
  async listAdminContacts(): Promise<UserContact[]> {
    return (await this.deps.store.users.listByRole(Roles.admin)).map(toUserContact);
  }

  /** A page of accounts (admin). */
  async listUsers(_ctx: AuthContext, query: { emailContains?: string; limit: number; offset: number }): Promise<{ items: AuthUser[]; total: number }> {
    const page: UserRecordPage = await this.deps.store.usersForReading.list({ ...query, emailContains: query.emailContains ? normaliseEmail(query.emailContains) : undefined });
    return { items: page.items.map(toAuthUser), total: page.total };
  }

  /**
   * Replaces an account's roles (admin). Everyone keeps `customer`; an admin cannot take away their own admin role
   * (so the last admin cannot lock everybody out by accident), and only a verified address may hold admin (whoever
   * controls the inbox controls the account). Takes effect with the account's next access token.
   */
  async setRoles(ctx: AuthContext, id: string, roles: Role[]): Promise<AuthUser> {
    const wanted = normaliseRoles(roles);
    if (ctx.principal?.userId === id && !wanted.includes(Roles.admin)) {
      throw new AppError('conflict', 'You cannot remove your own admin role');
    }
    if (wanted.includes(Roles.admin)) {
      // A verified address never becomes unverified, so this read cannot go stale before the update.
      const target = await this.deps.store.users.findById(id);
      if (!target) throw new AppError('not_found', `No user ${id}`);
      if (!target.emailVerified) throw new AppError('conflict', 'An admin role needs a verified e-mail address');
    }
    const user = await this.deps.store.users.setRoles(id, wanted);
    if (!user) throw new AppError('not_found', `No user ${id}`);
    (this.deps.audit ?? noAuditRecorder).record({
      actor: ctx.principal ? { type: 'user', id: ctx.principal.userId } : { type: 'system', id: 'auth' },
      action: AuditActions.userRolesChanged,
      subject: { type: 'user', id },
      details: { roles: user.roles },
    });
    return toAuthUser(user);
  }

  /**
   * Makes sure the configured first admin exists and holds the admin role. Idempotent, and safe when replicas
   * start together (one upsert). An existing account keeps its password.
   */
  async ensureAdmin(input: { email: string; password: string; name?: string }): Promise<{ user: AuthUser; created: boolean }> {
    const email = normaliseEmail(input.email);
    const violations = passwordPolicyViolations(input.password, email);
    if (violations.length > 0) throw new Error(`ADMIN_PASSWORD is refused by the password policy: it ${violations.join('; ')}`);
    const existing = await this.deps.store.users.findByEmail(email);
    if (existing?.roles.includes(Roles.admin)) return { user: toAuthUser(existing), created: false };
    // Hash only when the account may have to be created: a restart with an existing account stays cheap.
    const passwordHash = existing ? existing.passwordHash : await this.deps.hasher.hash(input.password);
    const result = await this.deps.store.transaction(async (tx) => {
      const upserted = await tx.users.upsertWithRole(
        { id: randomUUID(), email, name: input.name ?? 'Administrator', passwordHash, roles: [Roles.customer, Roles.admin] },
        Roles.admin,
      );
      if (upserted.created) await tx.events.userRegistered(upserted.user);
      return upserted;
    });
    if (result.created) this.deps.onEventsWritten?.();
    return { user: toAuthUser(result.user), created: result.created };
  }

  private async issueRefreshToken(
    repository: AuthStore['refreshTokens'],
    userId: string,
    lineage: { familyId: string; parentId: string | null },
  ): Promise<string> {
    const token = generateRefreshToken();
    const issuedAt = this.now();
    await repository.insert({
      id: randomUUID(),
      ...lineage,
      userId,
      tokenHash: hashRefreshToken(token),
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + this.deps.refreshTokenTtlSeconds * 1000),
    });
    return token;
  }

  private grant(user: UserRecord, refreshToken: string): SessionGrant {
    return {
      reply: {
        accessToken: this.deps.tokens.sign({ userId: user.id, email: user.email, roles: user.roles }),
        expiresIn: this.deps.tokens.ttlSeconds,
        tokenType: 'Bearer',
        user: toAuthUser(user),
      },
      refreshToken,
      refreshTokenTtlSeconds: this.deps.refreshTokenTtlSeconds,
    };
  }

  /** A fresh link of `purpose` issued at `now` (token in clear; only its hash is stored). */
  private newLink(purpose: OneTimeTokenPurpose, now: Date): OneTimeLink {
    return { token: generateOneTimeToken(), requestedAt: now, expiresAt: new Date(now.getTime() + oneTimeTokenLifetimeSeconds[purpose] * 1000) };
  }

  /** Stores the link's hash and writes the event that has the notifier e-mail it, in the transaction `tx`. */
  private async storeLink(tx: AuthTransaction, user: UserRecord, purpose: OneTimeTokenPurpose, link: OneTimeLink): Promise<void> {
    await tx.oneTimeTokens.insert({ tokenHash: hashOneTimeToken(link.token), userId: user.id, purpose, createdAt: link.requestedAt, expiresAt: link.expiresAt });
    if (purpose === 'password_reset') await tx.events.passwordResetRequested(user, link);
    else await tx.events.emailVerificationRequested(user, link);
  }

  /** Deletes expired links and elapsed e-mail limits once every so many link requests, so the tables stay small. */
  private async sweepNowAndThen(now: Date): Promise<void> {
    this.linkRequestsSinceSweep += 1;
    if (this.linkRequestsSinceSweep < sweepEveryLinkRequests) return;
    this.linkRequestsSinceSweep = 0;
    await this.deps.store.oneTimeTokens.deleteExpired(now);
    await this.deps.store.linkEmailLimits.deleteOlderThan(new Date(now.getTime() - linkEmailWindowSeconds * 1000));
  }
}

/** Unique roles in a stable order, always including `customer`. */
export function normaliseRoles(roles: Role[]): Role[] {
  const set = new Set<Role>([Roles.customer, ...roles]);
  return Object.values(Roles).filter((role) => set.has(role));
}
