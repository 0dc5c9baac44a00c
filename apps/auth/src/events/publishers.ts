import {
  EventTypes,
  Topics,
  type UserEmailVerificationRequestedData,
  type UserPasswordResetRequestedData,
  type UserRegisteredData,
  type UserRegistrationRepeatedData,
} from '@shop/contracts';
import { enqueueEvent } from '@shop/outbox';
import type { SqlExecutor } from '@shop/postgres';
import type { AuthEvents, OneTimeLink } from '../domain/ports';
import type { UserRecord } from '../domain/user';

/** Writes the auth service's events into the outbox of the transaction `tx`; the relay publishes them after commit. */
export class OutboxAuthEvents implements AuthEvents {
  constructor(private readonly tx: SqlExecutor) {}

  async userRegistered(user: UserRecord): Promise<void> {
    const data: UserRegisteredData = { userId: user.id, email: user.email, name: user.name, registeredAt: user.createdAt.toISOString() };
    await enqueueEvent(this.tx, Topics.users, { type: EventTypes.userRegistered, subject: user.id, data });
  }

  async userRegistrationRepeated(user: UserRecord, attemptedAt: Date): Promise<void> {
    // The account's own name, never the one typed into the form: the e-mail to the owner must not carry a stranger's text.
    const data: UserRegistrationRepeatedData = { userId: user.id, email: user.email, name: user.name, attemptedAt: attemptedAt.toISOString() };
    await enqueueEvent(this.tx, Topics.users, { type: EventTypes.userRegistrationRepeated, subject: user.id, data });
  }

  async passwordResetRequested(user: UserRecord, link: OneTimeLink): Promise<void> {
    // The token travels to the notifier in the event (the outbox row is deleted once published); auth keeps its hash only.
    const data: UserPasswordResetRequestedData = { userId: user.id, email: user.email, name: user.name, ...linkData(link) };
    await enqueueEvent(this.tx, Topics.users, { type: EventTypes.userPasswordResetRequested, subject: user.id, data });
  }

  async emailVerificationRequested(user: UserRecord, link: OneTimeLink): Promise<void> {
    const data: UserEmailVerificationRequestedData = { userId: user.id, email: user.email, name: user.name, ...linkData(link) };
    await enqueueEvent(this.tx, Topics.users, { type: EventTypes.userEmailVerificationRequested, subject: user.id, data });
  }
}

function linkData(link: OneTimeLink): { token: string; expiresAt: string; requestedAt: string } {
  return { token: link.token, expiresAt: link.expiresAt.toISOString(), requestedAt: link.requestedAt.toISOString() };
}
