import type { Role } from '@shop/contracts';

/** An account as the service stores it. */
export interface UserRecord {
  id: string;
  /** Normalised: trimmed and lower-cased. */
  email: string;
  name: string;
  passwordHash: string;
  roles: Role[];
  createdAt: Date;
  updatedAt: Date;
}

/** An account as the API shows it: never the password hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  createdAt: string;
}

/** The public view of an account. */
export function toUserView(user: UserRecord): UserView {
  return { id: user.id, email: user.email, name: user.name, roles: [...user.roles], createdAt: user.createdAt.toISOString() };
}

/** The one form an email is compared and stored in: trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** What another service needs to reach an account's owner (notifications): no roles, no dates. */
export interface UserContact {
  id: string;
  email: string;
  name: string;
}

/** The contact view of an account. */
export function toUserContact(user: UserRecord): UserContact {
  return { id: user.id, email: user.email, name: user.name };
}
