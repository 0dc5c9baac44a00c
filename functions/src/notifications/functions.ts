// Registers the notification functions with the Functions host. Outside the host importing this does nothing.
import { app, type InvocationContext } from '@azure/functions';
import { AppIds, Topics, type Topic } from '@shop/contracts';
import { runningInFunctionsHost } from '../jobs/config';
import { ServiceClient } from '../jobs/service-client';
import { loadNotificationsSettings, type NotificationsSettings } from './config';
import { AcsEmailSender, OutboxFolderEmailSender, type EmailSender } from './email-sender';
import { Notifier, toIncomingEvent } from './notifier';

/** The Service Bus subscription every notification function reads (one per topic). */
export const notificationsSubscription = AppIds.functions;

/** The topics whose events send email. */
export const notifiedTopics = [Topics.products, Topics.orders, Topics.carts] as const;

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

/** Registers one Service Bus topic trigger per notified topic. */
export function registerNotificationFunctions(settings: NotificationsSettings): void {
  const notifier = new Notifier({
    auth: new ServiceClient({ baseUrl: settings.AUTH_INTERNAL_URL, appApiToken: settings.APP_API_TOKEN, timeoutMs: settings.INTERNAL_CALL_TIMEOUT_MS, maxRetries: settings.INTERNAL_CALL_MAX_RETRIES }),
    email: emailSenderFromSettings(settings),
    dedupeCapacity: settings.NOTIFICATION_DEDUPE_CAPACITY,
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
