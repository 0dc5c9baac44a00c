import type { Role } from '@shop/contracts';
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
}

/** Port: the events the auth service publishes, written in the transaction of the change (outbox). */
export interface AuthEvents {
  userRegistered(user: UserRecord): Promise<void>;
  /** Someone tried to register `user`'s e-mail again (the owner is told; the answer to the caller reveals nothing). */
  userRegistrationRepeated(user: UserRecord, attemptedAt: Date): Promise<void>;
}

/** The repositories and event writer bound to one transaction. */
export interface AuthTransaction {
  users: UsersRepository;
  refreshTokens: RefreshTokensRepository;
  events: AuthEvents;
}

/** Port: the service's storage, with transactions spanning repositories and the outbox. */
export interface AuthStore {
  /** Outside a transaction (single statements). */
  users: UsersRepository;
  /** The same, read from a replica when there is one (may lag): for admin listings only. */
  usersForReading: UsersRepository;
  refreshTokens: RefreshTokensRepository;
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
