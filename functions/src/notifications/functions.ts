// Registers the notification functions with the Functions host. Outside the host importing this does nothing.
import { app, type InvocationContext } from '@azure/functions';
import { RedisStateStore } from '@shop/building-blocks';
import { AppIds, Topics, type Topic } from '@shop/contracts';
import { runningInFunctionsHost } from '../jobs/config';
import { ServiceClient } from '../jobs/service-client';
import { loadNotificationsSettings, type NotificationsSettings } from './config';
import { AcsEmailSender, OutboxFolderEmailSender, type EmailSender } from './email-sender';
import type { NotificationClaims } from './notification-claims';
import { Notifier, toIncomingEvent, type ClaimWait } from './notifier';
import { inMemoryNotificationClaims, StateStoreNotificationClaims } from './state-store-notification-claims';

/** The Service Bus subscription every notification function reads (one per topic). */
export const notificationsSubscription = AppIds.functions;

/** The topics whose events send email. */
export const notifiedTopics = [Topics.products, Topics.orders, Topics.carts, Topics.users] as const;

/** A Service Bus topic-triggered function as the host calls it. */
export type ServiceBusHandler = (message: unknown, context: InvocationContext) => Promise<void>;

/**
 * The handler of one topic: reads the message, lets the notifier act, logs what it cannot use and lets transient
 * failures throw (the host redelivers, then dead-letters after the subscription's max delivery count).
 */
export function createServiceBusHandler(notifier: Notifier, topic: Topic): ServiceBusHandler {
  return async (message, context) => {
    const messageId = context.triggerMetadata?.messageId;
    const event = toIncomingEvent(message, topic, typeof messageId === 'string' ? messageId : undefined);
    if (!event) {
      context.warn(`a message on ${topic} is neither a CloudEvent nor event data we know; ignored`);
      return;
    }
    await notifier.handle(event, context);
  };
}

/** The email sender the settings choose. */
export function emailSenderFromSettings(settings: NotificationsSettings): EmailSender {
  return settings.EMAIL_TRANSPORT === 'acs'
    ? new AcsEmailSender({ endpoint: settings.ACS_EMAIL_ENDPOINT!, senderAddress: settings.EMAIL_SENDER_ADDRESS })
    : new OutboxFolderEmailSender({ folder: settings.EMAIL_OUTBOX_DIR, senderAddress: settings.EMAIL_SENDER_ADDRESS });
}

/** The e-mail claims the settings choose: Redis shared by every instance, or this instance's memory. */
export function notificationClaimsFromSettings(settings: NotificationsSettings): NotificationClaims {
  const lifetimes = { sendingLeaseSeconds: settings.NOTIFICATION_SENDING_LEASE_SECONDS, sentRetentionSeconds: settings.NOTIFICATION_SENT_RETENTION_SECONDS };
  if (settings.NOTIFICATION_CLAIMS_STORE === 'memory') return inMemoryNotificationClaims(lifetimes);
  return new StateStoreNotificationClaims({ store: new RedisStateStore({ url: settings.NOTIFICATION_CLAIMS_REDIS_URL!, keyPrefix: 'notification-claim:' }), ...lifetimes });
}

/** How long a worker waits for another that is sending the same e-mail: until the lease must have lapsed. */
export function claimWaitFromSettings(settings: NotificationsSettings): ClaimWait {
  return { pollMs: 500, maxMs: (settings.NOTIFICATION_SENDING_LEASE_SECONDS + 5) * 1000 };
}

/** Registers one Service Bus topic trigger per notified topic. */
export function registerNotificationFunctions(settings: NotificationsSettings): void {
  const notifier = new Notifier({
    auth: new ServiceClient({ baseUrl: settings.AUTH_INTERNAL_URL, appApiToken: settings.APP_API_TOKEN, timeoutMs: settings.INTERNAL_CALL_TIMEOUT_MS, maxRetries: settings.INTERNAL_CALL_MAX_RETRIES }),
    email: emailSenderFromSettings(settings),
    claims: notificationClaimsFromSettings(settings),
    claimWait: claimWaitFromSettings(settings),
    shopPublicUrl: settings.SHOP_PUBLIC_URL,
  });
  for (const topic of notifiedTopics) {
    app.serviceBusTopic(`notify-${topic}`, {
      connection: 'ServiceBusConnection',
      topicName: topic,
      subscriptionName: notificationsSubscription,
      handler: createServiceBusHandler(notifier, topic),
    });
  }
}

if (runningInFunctionsHost()) registerNotificationFunctions(loadNotificationsSettings());
