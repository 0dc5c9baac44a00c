import type { Role } from '@shop/contracts';
import type { OneTimeTokenPurpose } from './one-time-token';
import type { UserRecord } from './user';

/** Who an access token says the caller is: what the service signs into tokens and what routes pass back in. */
export interface Principal {
  userId: string;
  email: string;
  roles: Role[];
}

/** A user to insert. */
export interface NewUser {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  roles: Role[];
}

/** One page of accounts. */
export interface UserRecordPage {
  items: UserRecord[];
  total: number;
}

/** Port: where accounts are kept. */
export interface UsersRepository {
  findById(id: string): Promise<UserRecord | undefined>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  /** Inserts the user; undefined when the email (case-insensitively) is taken. */
  insertIfEmailFree(user: NewUser): Promise<UserRecord | undefined>;
  /** Inserts the user, or adds `role` to the existing account with that email. `created` says which happened. */
  upsertWithRole(user: NewUser, role: Role): Promise<{ user: UserRecord; created: boolean }>;
  setRoles(id: string, roles: Role[]): Promise<UserRecord | undefined>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  /** Records that the owner proved the address; undefined when there is no such account. */
  markEmailVerified(id: string): Promise<UserRecord | undefined>;
  /** Accounts by creation, optionally those whose email contains `emailContains`. */
  list(options: { emailContains?: string; limit: number; offset: number }): Promise<UserRecordPage>;
  /** Every account holding `role`, oldest first. */
  listByRole(role: Role): Promise<UserRecord[]>;
}

/** A stored refresh token (the token itself is never stored, only its hash). */
export interface RefreshTokenRecord {
  id: string;
  familyId: string;
  parentId: string | null;
  userId: string;
  issuedAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

/** A refresh token to insert. */
export interface NewRefreshToken {
  id: string;
  familyId: string;
  parentId: string | null;
  userId: string;
  tokenHash: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** Port: where refresh tokens are kept. */
export interface RefreshTokensRepository {
  insert(token: NewRefreshToken): Promise<void>;
  /**
   * Marks the token used if, and only if, it is unused, unrevoked and unexpired at `now`, atomically: of several
   * concurrent calls with the same hash at most one gets the record.
   */
  consume(tokenHash: string, now: Date): Promise<RefreshTokenRecord | undefined>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Revokes every token of the family that is not revoked yet; returns how many. */
  revokeFamily(familyId: string, now: Date): Promise<number>;
  /** Revokes every token of every family of the user (all their sessions); returns how many. */
  revokeAllOfUser(userId: string, now: Date): Promise<number>;
}

/** A one-time token to insert (only its hash is stored). */
export interface NewOneTimeToken {
  tokenHash: string;
  userId: string;
  purpose: OneTimeTokenPurpose;
  createdAt: Date;
  expiresAt: Date;
}

/** Port: the one-time tokens of e-mailed links. */
export interface OneTimeTokensRepository {
  insert(token: NewOneTimeToken): Promise<void>;
  /** The user of the token if it is unused and unexpired at `now`, without spending it. */
  findUsable(tokenHash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<{ userId: string } | undefined>;
  /**
   * Spends the token if, and only if, it is unused and unexpired at `now`, atomically: of several concurrent calls
   * with the same hash at most one gets its user.
   */
  consume(tokenHash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<{ userId: string } | undefined>;
  /** Spends every other outstanding token of the user for `purpose`; returns how many. */
  spendAllOfUser(userId: string, purpose: OneTimeTokenPurpose, now: Date): Promise<number>;
  /** Deletes tokens that expired before `before` (a bounded batch); returns how many. */
  deleteExpired(before: Date): Promise<number>;
}

/** Port: at most one link e-mail per scope (an address, an account) per window. */
export interface LinkEmailLimits {
  /**
   * Claims the right to send a link e-mail for `scopeKey` at `now`: true, and the window starts again, when none was
   * sent in the `windowSeconds` before; false otherwise. Atomic: of concurrent claims at most one is true.
   */
  claim(scopeKey: string, now: Date, windowSeconds: number): Promise<boolean>;
  /** Forgets sends older than `before` (a bounded batch); returns how many. */
  deleteOlderThan(before: Date): Promise<number>;
}

/** Port: the events the auth service publishes, written in the transaction of the change (outbox). */
export interface AuthEvents {
  userRegistered(user: UserRecord): Promise<void>;
  /** Someone tried to register `user`'s e-mail again (the owner is told; the answer to the caller reveals nothing). */
  userRegistrationRepeated(user: UserRecord, attemptedAt: Date): Promise<void>;
  /** The owner of `user` asked for a password reset: the e-mail carries `link.token`. */
  passwordResetRequested(user: UserRecord, link: OneTimeLink): Promise<void>;
  /** `user`'s address is to be verified: the e-mail carries `link.token`. */
  emailVerificationRequested(user: UserRecord, link: OneTimeLink): Promise<void>;
}

/** A freshly issued one-time link: the token in clear (only the event to the notifier carries it) and its times. */
export interface OneTimeLink {
  token: string;
  requestedAt: Date;
  expiresAt: Date;
}

/** The repositories and event writer bound to one transaction. */
export interface AuthTransaction {
  users: UsersRepository;
  refreshTokens: RefreshTokensRepository;
  oneTimeTokens: OneTimeTokensRepository;
  linkEmailLimits: LinkEmailLimits;
  events: AuthEvents;
}

/** Port: the service's storage, with transactions spanning repositories and the outbox. */
export interface AuthStore {
  /** Outside a transaction (single statements). */
  users: UsersRepository;
  /** The same, read from a replica when there is one (may lag): for admin listings only. */
  usersForReading: UsersRepository;
  refreshTokens: RefreshTokensRepository;
  oneTimeTokens: OneTimeTokensRepository;
  linkEmailLimits: LinkEmailLimits;
  /** Runs `work` in one transaction; events it writes are published after the commit. */
  transaction<T>(work: (tx: AuthTransaction) => Promise<T>): Promise<T>;
}

/** Port: signs access tokens (AccessTokenSigner fits it). */
export interface AccessTokenIssuer {
  readonly ttlSeconds: number;
  sign(principal: Principal): string;
}

/** Who is asking, passed first to every service method. */
export interface AuthContext {
  /** The client's address (behind the trusted proxy), for throttling. */
  clientAddress?: string;
  /** The authenticated caller, when there is one. */
  principal?: Principal;
}
