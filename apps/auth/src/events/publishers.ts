import { EventTypes, Topics, type UserRegisteredData } from '@shop/contracts';
import { enqueueEvent } from '@shop/outbox';
import type { SqlExecutor } from '@shop/postgres';
import type { AuthEvents } from '../domain/ports';
import type { UserRecord } from '../domain/user';

/** Writes the auth service's events into the outbox of the transaction `tx`; the relay publishes them after commit. */
export class OutboxAuthEvents implements AuthEvents {
  constructor(private readonly tx: SqlExecutor) {}

  async userRegistered(user: UserRecord): Promise<void> {
    const data: UserRegisteredData = { userId: user.id, email: user.email, name: user.name, registeredAt: user.createdAt.toISOString() };
    await enqueueEvent(this.tx, Topics.users, { type: EventTypes.userRegistered, subject: user.id, data });
  }
}
