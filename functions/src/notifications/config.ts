import { z } from 'zod';

/** Settings of the notification functions. */
export const notificationsSettingsSchema = z
  .object({
    AUTH_INTERNAL_URL: z.url().describe('Required. Base URL of the auth service (user and admin e-mail addresses)'),
    APP_API_TOKEN: z.string().min(1).optional().describe('Optional. Sent as dapr-api-token on internal calls when set'),
    INTERNAL_CALL_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000).describe('Optional. Timeout of one internal call attempt'),
    INTERNAL_CALL_MAX_RETRIES: z.coerce.number().int().min(0).default(2).describe('Optional. Retries on 5xx/network failures'),
    EMAIL_TRANSPORT: z.enum(['acs', 'outbox']).default('outbox').describe("Optional. 'acs' (Azure Communication Services) or 'outbox' (.eml files)"),
    ACS_EMAIL_ENDPOINT: z.url().optional().describe('Required with acs. Endpoint of the Communication Services resource'),
    EMAIL_SENDER_ADDRESS: z.string().email().default('no-reply@shop.local').describe('Optional. From address (a verified ACS sender in Azure)'),
    EMAIL_OUTBOX_DIR: z.string().min(1).default('.data/outbox').describe('Optional. Folder of the .eml files with outbox'),
    NOTIFICATION_DEDUPE_CAPACITY: z.coerce.number().int().positive().default(10_000).describe('Optional. Event ids remembered against redelivery'),
  })
  .refine((settings) => settings.EMAIL_TRANSPORT !== 'acs' || settings.ACS_EMAIL_ENDPOINT, {
    message: 'ACS_EMAIL_ENDPOINT is required when EMAIL_TRANSPORT is acs',
    path: ['ACS_EMAIL_ENDPOINT'],
  });

/** The validated notification settings. */
export type NotificationsSettings = z.infer<typeof notificationsSettingsSchema>;

/** Validates the notification settings; throws one error listing every bad key. */
export function loadNotificationsSettings(environment: Record<string, string | undefined> = process.env): NotificationsSettings {
  const parsed = notificationsSettingsSchema.safeParse(environment);
  if (!parsed.success) throw new Error(`Invalid notification settings:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
