import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InvocationContext } from '@azure/functions';
import {
  AccountLinkPaths,
  adminContactsReplySchema,
  AuthInternalPaths,
  cartAbandonedDataSchema,
  EventTypes,
  moneySchema,
  orderConfirmedEventDataSchema,
  orderShippedEventDataSchema,
  productChangedDataSchema,
  Topics,
  userContactSchema,
  userEmailVerificationRequestedDataSchema,
  userPasswordResetRequestedDataSchema,
  userRegistrationRepeatedDataSchema,
  type CartAbandonedData,
  type Money,
  type OrderEventData,
  type ProductChangedData,
  type Topic,
  type UserContact,
  type UserEmailVerificationRequestedData,
  type UserPasswordResetRequestedData,
  type UserRegistrationRepeatedData,
} from '@shop/contracts';
import { z } from 'zod';
import { ServiceCallError, type ServiceClient } from '../jobs/service-client';
import type { EmailMessage, EmailSender } from './email-sender';
import type { NotificationClaims, NotificationKey } from './notification-claims';

/** An event as the notifier reads it, whether it came as a CloudEvent envelope or as bare data. */
export interface IncomingEvent {
  id: string;
  type: string;
  data: unknown;
}

/** What became of an event: emailed, already emailed, not one we notify about, or unreadable. */
export type NotificationOutcome = 'sent' | 'duplicate' | 'ignored' | 'invalid';

/** The event types that send email. */
export const notifiedEventTypes = [
  EventTypes.productUpdated,
  EventTypes.orderConfirmed,
  EventTypes.orderShipped,
  EventTypes.cartAbandoned,
  EventTypes.userRegistrationRepeated,
  EventTypes.userPasswordResetRequested,
  EventTypes.userEmailVerificationRequested,
] as const;

/**
 * Reads a Service Bus message body (or a bus delivery): a CloudEvent envelope, or the bare data of one, whose type is
 * then inferred from the topic. Without an id, the message id (else a hash of the body) stands in for deduplication.
 */
export function toIncomingEvent(message: unknown, topic: Topic, fallbackId?: string): IncomingEvent | undefined {
  let body = message;
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.type === 'string' && 'data' in record) {
    const id = typeof record.id === 'string' && record.id ? record.id : (fallbackId ?? hashOf(record));
    return { id, type: record.type, data: record.data };
  }
  const type = inferType(topic, record);
  return type ? { id: fallbackId ?? hashOf(record), type, data: record } : undefined;
}

function inferType(topic: Topic, data: Record<string, unknown>): string | undefined {
  if (topic === Topics.products && 'changes' in data) return EventTypes.productUpdated;
  if (topic === Topics.orders && data.status === 'confirmed') return EventTypes.orderConfirmed;
  if (topic === Topics.orders && data.status === 'shipped') return EventTypes.orderShipped;
  if (topic === Topics.carts && 'itemCount' in data) return EventTypes.cartAbandoned;
  if (topic === Topics.users && 'attemptedAt' in data) return EventTypes.userRegistrationRepeated;
  return undefined;
}

function hashOf(value: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(value)).digest('hex')}`;
}

/** How long a worker waits for another worker that is sending the same e-mail before giving the event back. */
export interface ClaimWait {
  /** Milliseconds between two looks at the claim. */
  pollMs: number;
  /** Milliseconds to wait at most; a little longer than the sending lease, so a dead worker's lapsed claim is taken over. */
  maxMs: number;
}

/** What the notifier needs. */
export interface NotifierDeps {
  auth: ServiceClient;
  email: EmailSender;
  /** Durable deduplication shared by every worker: each e-mail is claimed before it is sent. */
  claims: NotificationClaims;
  /** Default: a look every 500 ms for at most 125 s (the default lease of 120 s and a margin). */
  claimWait?: ClaimWait;
  /** Locale of money and dates in emails. Default `en-US`. */
  locale?: string;
  /** Public URL of the shop (SHOP_PUBLIC_URL, no trailing slash): the links of the account e-mails open its pages. */
  shopPublicUrl: string;
}

/**
 * Thrown when another worker still held an e-mail's claim after the whole wait: the event goes back to the host,
 * which redelivers it; by then the e-mail is sent (a duplicate) or the claim has lapsed (this worker sends).
 */
export class NotificationInProgressError extends Error {
  constructor(public readonly key: NotificationKey) {
    super(`another worker is sending the ${key.kind} e-mail of event ${key.eventId}; redeliver later`);
    this.name = 'NotificationInProgressError';
  }
}

/** Field names never put into an email, whatever an event carries. */
const unmentionableField = /password|token|secret|key|credential/i;

/**
 * Turns the events customers and admins care about into email. Throws on a transient failure (auth or the mail
 * service down: the host redelivers); returns 'ignored' or 'invalid' for events it cannot use (logged, not retried).
 */
export class Notifier {
  private readonly locale: string;
  private readonly claimWait: ClaimWait;

  constructor(private readonly deps: NotifierDeps) {
    this.locale = deps.locale ?? 'en-US';
    this.claimWait = deps.claimWait ?? { pollMs: 500, maxMs: 125_000 };
  }

  /**
   * Handles one event: each of its e-mails is sent once across every worker and every redelivery ('duplicate' when
   * all of them had been sent before). A worker that finds another one sending waits for its outcome.
   */
  async handle(event: IncomingEvent, context: InvocationContext): Promise<NotificationOutcome> {
    if (!(notifiedEventTypes as readonly string[]).includes(event.type)) {
      context.log(`event ${event.id} of type ${event.type} sends no email; ignored`);
      return 'ignored';
    }
    return this.notify(event, context);
  }

  private async notify(event: IncomingEvent, context: InvocationContext): Promise<NotificationOutcome> {
    const invalid = (error: z.ZodError) => {
      context.warn(`event ${event.id} (${event.type}) has data we cannot read; ignored: ${z.prettifyError(error)}`);
      return 'invalid' as const;
    };
    let messages: EmailMessage[] | undefined;
    switch (event.type) {
      case EventTypes.productUpdated: {
        const data = productChangedDataSchema.safeParse(event.data);
        if (!data.success) return invalid(data.error);
        messages = await this.productUpdatedEmails(data.data);
        break;
      }
      case EventTypes.orderConfirmed:
      case EventTypes.orderShipped: {
        const data = (event.type === EventTypes.orderConfirmed ? orderConfirmedEventDataSchema : orderShippedEventDataSchema).safeParse(event.data);
        if (!data.success) return invalid(data.error);
        const customer = await this.user(data.data.userId, context);
        messages = customer && [this.orderEmail(event.type, data.data, customer)];
        break;
      }
      case EventTypes.cartAbandoned: {
        const data = cartAbandonedDataSchema.safeParse(event.data);
        if (!data.success) return invalid(data.error);
        const customer = await this.user(data.data.userId, context);
        messages = customer && [this.cartReminderEmail(data.data, customer)];
        break;
      }
      case EventTypes.userRegistrationRepeated: {
        const data = userRegistrationRepeatedDataSchema.safeParse(event.data);
        if (!data.success) return invalid(data.error);
        messages = [this.registrationRepeatedEmail(data.data)];
        break;
      }
      case EventTypes.userPasswordResetRequested: {
        const data = userPasswordResetRequestedDataSchema.safeParse(event.data);
        if (!data.success) return invalid(data.error);
        messages = [this.passwordResetEmail(data.data)];
        break;
      }
      case EventTypes.userEmailVerificationRequested: {
        const data = userEmailVerificationRequestedDataSchema.safeParse(event.data);
        if (!data.success) return invalid(data.error);
        messages = [this.emailVerificationEmail(data.data)];
        break;
      }
    }
    if (!messages) return 'ignored';
    let sent = 0;
    for (const message of messages) {
      // Per recipient, so a retry after a partial failure does not email the ones already reached.
      if (await this.sendOnce({ kind: event.type, eventId: event.id, recipient: message.to }, message, context)) sent += 1;
    }
    if (messages.length > 0 && sent === 0) {
      context.log(`event ${event.id} (${event.type}) was already emailed; not emailing again`);
      return 'duplicate';
    }
    context.log(`event ${event.id} (${event.type}): ${sent} email(s) sent`);
    return 'sent';
  }

  /**
   * Sends one e-mail unless some worker sent it already: claim, send, mark sent; a failed send releases the claim and
   * throws (the redelivery sends). True when this call sent it.
   */
  private async sendOnce(key: NotificationKey, message: EmailMessage, context: InvocationContext): Promise<boolean> {
    const { claims } = this.deps;
    const waitUntil = Date.now() + this.claimWait.maxMs;
    for (;;) {
      const outcome = await claims.claim(key);
      if (outcome.kind === 'already_sent') return false;
      if (outcome.kind === 'claimed') {
        try {
          await this.deps.email.send(message);
        } catch (error) {
          await claims.release(outcome.claim).catch((releaseError: unknown) => {
            // The lease lapses on its own; the redelivery sends then.
            context.warn(`could not release the claim of event ${key.eventId}: ${String(releaseError)}`);
          });
          throw error;
        }
        // The e-mail is out: a failure to record it must not fail the event (a redelivery would send it again).
        const recorded = await claims.markSent(outcome.claim).catch((markError: unknown) => {
          context.warn(`event ${key.eventId}: e-mail sent but not recorded as sent: ${String(markError)}`);
          return true;
        });
        if (!recorded) context.warn(`event ${key.eventId}: the sending lease lapsed before the e-mail went out; another worker may send it again`);
        return true;
      }
      if (Date.now() >= waitUntil) throw new NotificationInProgressError(key);
      await sleep(this.claimWait.pollMs);
    }
  }

  /** The account's contact, or undefined (logged) when auth does not know it; other failures throw. */
  private async user(userId: string, context: InvocationContext): Promise<UserContact | undefined> {
    try {
      return await this.deps.auth.get(AuthInternalPaths.user(userId), userContactSchema);
    } catch (error) {
      if (error instanceof ServiceCallError && error.status === 404) {
        context.warn(`user ${userId} is unknown to auth; no email`);
        return undefined;
      }
      throw error;
    }
  }

  private async productUpdatedEmails(data: ProductChangedData): Promise<EmailMessage[]> {
    const { items: admins } = await this.deps.auth.get(AuthInternalPaths.admins, adminContactsReplySchema);
    const actor = data.actor;
    const byActor = (admin: UserContact) => 'userId' in actor && (admin.id === actor.userId || admin.email.toLowerCase() === actor.email.toLowerCase());
    const actorLabel = 'userId' in actor ? actor.email : `the ${actor.system}${actor.source ? ` (${actor.source})` : ''} system`;
    const changes = Object.entries(data.changes)
      .filter(([field]) => !unmentionableField.test(field))
      .map(([field, value]) => `- ${field}: ${this.describeValue(value)}`);
    const text = [
      `Product ${data.sku} (${data.productId}) was updated by ${actorLabel}.`,
      '',
      'What changed:',
      ...(changes.length > 0 ? changes : ['- (no field details in the event)']),
      '',
      'You receive this because you are an administrator of the shop.',
    ].join('\n');
    return admins.filter((admin) => !byActor(admin)).map((admin) => ({ to: admin.email, subject: `Product ${data.sku} was updated`, text }));
  }

  private orderEmail(type: string, data: OrderEventData, customer: UserContact): EmailMessage {
    const shipped = type === EventTypes.orderShipped;
    const items = data.lines.reduce((sum, line) => sum + line.quantity, 0);
    return {
      to: customer.email,
      subject: shipped ? `Your order ${data.orderId} has shipped` : `Your order ${data.orderId} is confirmed`,
      text: [
        `Hello ${customer.name || 'there'},`,
        '',
        shipped ? `Your order ${data.orderId} is on its way.` : `Thank you! We have confirmed your order ${data.orderId}.`,
        `Items: ${items}`,
        `Total: ${this.formatMoney(data.total)}`,
      ].join('\n'),
    };
  }

  private cartReminderEmail(data: CartAbandonedData, customer: UserContact): EmailMessage {
    const items = data.itemCount === 1 ? '1 item' : `${data.itemCount} items`;
    return {
      to: customer.email,
      subject: `You left ${items} in your cart`,
      text: [`Hello ${customer.name || 'there'},`, '', `Your cart still holds ${items} (subtotal ${this.formatMoney(data.subtotal)}).`, 'Come back any time to finish your order.'].join('\n'),
    };
  }

  /** To the owner of an address someone tried to register again (auth answered that attempt like a new registration). */
  private registrationRepeatedEmail(data: UserRegistrationRepeatedData): EmailMessage {
    return {
      to: data.email,
      subject: 'Someone tried to create an account with your address',
      text: [
        `Hello ${data.name || 'there'},`,
        '',
        `Someone tried to create a new account with this e-mail address (${data.email}) on ${this.formatTime(data.attemptedAt)}, but it already belongs to your account.`,
        '',
        'If it was you: you already have an account. Sign in, or reset your password if you have forgotten it.',
        'If it was not you: you can ignore this e-mail. Nothing about your account has changed.',
      ].join('\n'),
    };
  }

  /** The reset link: the token in the fragment, which browsers never send to a server nor put in a Referer. */
  private passwordResetEmail(data: UserPasswordResetRequestedData): EmailMessage {
    return {
      to: data.email,
      subject: 'Reset your password',
      text: [
        `Hello ${data.name || 'there'},`,
        '',
        `Someone, hopefully you, asked to reset the password of the account ${data.email}. To choose a new password, open this link:`,
        '',
        this.accountLink(AccountLinkPaths.resetPassword, data.token),
        '',
        `The link works once, until ${this.formatTime(data.expiresAt)}. Using it signs your account out everywhere.`,
        'If you did not ask for it, ignore this e-mail: your password stays as it is.',
      ].join('\n'),
    };
  }

  private emailVerificationEmail(data: UserEmailVerificationRequestedData): EmailMessage {
    return {
      to: data.email,
      subject: 'Confirm your e-mail address',
      text: [
        `Hello ${data.name || 'there'},`,
        '',
        `Please confirm that ${data.email} is your e-mail address by opening this link:`,
        '',
        this.accountLink(AccountLinkPaths.verifyEmail, data.token),
        '',
        `The link works once, until ${this.formatTime(data.expiresAt)}.`,
        'If you did not create an account with this address, ignore this e-mail.',
      ].join('\n'),
    };
  }

  private accountLink(path: string, token: string): string {
    return `${this.deps.shopPublicUrl}${path}#token=${encodeURIComponent(token)}`;
  }

  private formatTime(isoTime: string): string {
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' }).format(new Date(isoTime));
  }

  private describeValue(value: unknown): string {
    const asMoney = moneySchema.safeParse(value);
    if (asMoney.success) return this.formatMoney(asMoney.data);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
  }

  /** Money from integer minor units, in the currency's own number of decimals. */
  formatMoney(value: Money): string {
    const format = new Intl.NumberFormat(this.locale, { style: 'currency', currency: value.currency });
    const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(value.amount / 10 ** decimals);
  }
}
