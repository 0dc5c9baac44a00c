import type { AuthUser, Role, UserContact } from '@shop/contracts';

/** An account as the service stores it. */
export interface UserRecord {
  id: string;
  /** Normalised: trimmed and lower-cased. */
  email: string;
  name: string;
  passwordHash: string;
  roles: Role[];
  /** The owner proved the address by opening an e-mailed link (or it is the operator-named first admin's). */
  emailVerified: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The API view of an account (the contract's `AuthUser`): never the password hash. */
export function toAuthUser(user: UserRecord): AuthUser {
  return { id: user.id, email: user.email, name: user.name, roles: [...user.roles], emailVerified: user.emailVerified, createdAt: user.createdAt.toISOString() };
}

/** The one form an email is compared and stored in: trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The contact view of an account (the contract's `UserContact`), for other services: no roles, no dates. */
export function toUserContact(user: UserRecord): UserContact {
  return { id: user.id, email: user.email, name: user.name };
}
