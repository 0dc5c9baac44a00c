import { createHash } from 'node:crypto';
import type { InvocationContext } from '@azure/functions';
import {
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
  type CartAbandonedData,
  type Money,
  type OrderEventData,
  type ProductChangedData,
  type Topic,
  type UserContact,
} from '@shop/contracts';
import { z } from 'zod';
import { ServiceCallError, type ServiceClient } from '../jobs/service-client';
import type { EmailMessage, EmailSender } from './email-sender';
import { RecentIds } from './recent-ids';

/** An event as the notifier reads it, whether it came as a CloudEvent envelope or as bare data. */
export interface IncomingEvent {
  id: string;
  type: string;
  data: unknown;
}

/** What became of an event: emailed, already emailed, not one we notify about, or unreadable. */
export type NotificationOutcome = 'sent' | 'duplicate' | 'ignored' | 'invalid';

/** The event types that send email. */
export const notifiedEventTypes = [EventTypes.productUpdated, EventTypes.orderConfirmed, EventTypes.orderShipped, EventTypes.cartAbandoned] as const;

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
  return undefined;
}

function hashOf(value: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(value)).digest('hex')}`;
}

/** What the notifier needs. */
export interface NotifierDeps {
  auth: ServiceClient;
  email: EmailSender;
  /** Event ids (and per-recipient sends) remembered against redelivery. Default 10 000. */
  dedupeCapacity?: number;
  /** Locale of money and dates in emails. Default `en-US`. */
  locale?: string;
}

/** Field names never put into an email, whatever an event carries. */
const unmentionableField = /password|token|secret|key|credential/i;

/**
 * Turns the events customers and admins care about into email. Throws on a transient failure (auth or the mail
 * service down: the host redelivers); returns 'ignored' or 'invalid' for events it cannot use (logged, not retried).
 */
export class Notifier {
  private readonly recent: RecentIds;
  private readonly inFlight = new Map<string, Promise<NotificationOutcome>>();
  private readonly locale: string;

  constructor(private readonly deps: NotifierDeps) {
    this.recent = new RecentIds(deps.dedupeCapacity ?? 10_000);
    this.locale = deps.locale ?? 'en-US';
  }

  /** Handles one event once per id (a concurrent duplicate waits for the first and reports 'duplicate'). */
  async handle(event: IncomingEvent, context: InvocationContext): Promise<NotificationOutcome> {
    if (!(notifiedEventTypes as readonly string[]).includes(event.type)) {
      context.log(`event ${event.id} of type ${event.type} sends no email; ignored`);
      return 'ignored';
    }
    const eventKey = `event:${event.id}`;
    const running = this.inFlight.get(eventKey);
    if (running) return running.then(() => 'duplicate', () => this.handle(event, context));
    if (this.recent.has(eventKey)) {
      context.log(`event ${event.id} was already handled; not emailing again`);
      return 'duplicate';
    }
    const work = this.notify(event, context);
    this.inFlight.set(eventKey, work);
    try {
      const outcome = await work;
      this.recent.add(eventKey);
      return outcome;
    } finally {
      this.inFlight.delete(eventKey);
    }
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
    }
    if (!messages) return 'ignored';
    for (const message of messages) {
      // Per recipient, so a retry after a partial failure does not email the ones already reached.
      const sendKey = `send:${event.id}:${message.to.toLowerCase()}`;
      if (this.recent.has(sendKey)) continue;
      await this.deps.email.send(message);
      this.recent.add(sendKey);
    }
    context.log(`event ${event.id} (${event.type}): ${messages.length} email(s) sent`);
    return 'sent';
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
