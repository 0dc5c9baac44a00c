import type { UserAuthorizations } from '@shop/auth-tokens';
import { isUuid, type UserAuthorization } from '@shop/contracts';
import type { UsersRepository } from '../domain/ports';

/**
 * UserAuthorizations read from auth's own users table: what its internal route answers the other services, and what
 * its own role changes check (no call to itself). Reads the primary, never a replica: a demotion must show at once.
 */
export class UsersTableAuthorizations implements UserAuthorizations {
  constructor(private readonly users: Pick<UsersRepository, 'findById'>) {}

  async authorizationOf(userId: string): Promise<UserAuthorization | undefined> {
    // Account ids are UUIDs: anything else names no account (and would be a type error in the query).
    if (!isUuid(userId)) return undefined;
    const user = await this.users.findById(userId);
    // Accounts cannot be disabled yet; the field is in the contract so that refusing one needs no caller to change.
    return user ? { userId: user.id, roles: [...user.roles], disabled: false } : undefined;
  }
}
