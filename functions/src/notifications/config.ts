import { z } from 'zod';
import { presentSettings } from '../app-settings';

/** The shop's public URL when SHOP_PUBLIC_URL is unset in development: the gateway's local URL (`npm start`). */
export const developmentShopPublicUrl = 'http://localhost:8080';

/** Settings of the notification functions. */
export const notificationsSettingsSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).optional().describe('Optional. development or test lets SHOP_PUBLIC_URL default'),
    AZURE_FUNCTIONS_ENVIRONMENT: z.string().optional().describe('Set by the host (Core Tools: Development); Development lets SHOP_PUBLIC_URL default'),
    SHOP_PUBLIC_URL: z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional()
      .describe(`Required outside development. Public URL of the shop: the password reset and e-mail verification links open its pages (development default ${developmentShopPublicUrl})`),
    AUTH_INTERNAL_URL: z.url().describe('Required. Base URL of the auth service (user and admin e-mail addresses)'),
    APP_API_TOKEN: z.string().min(1).optional().describe('Optional. Sent as dapr-api-token on internal calls when set'),
    INTERNAL_CALL_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000).describe('Optional. Timeout of one internal call attempt'),
    INTERNAL_CALL_MAX_RETRIES: z.coerce.number().int().min(0).default(2).describe('Optional. Retries on 5xx/network failures'),
    EMAIL_TRANSPORT: z.enum(['acs', 'outbox']).default('outbox').describe("Optional. 'acs' (Azure Communication Services) or 'outbox' (.eml files)"),
    ACS_EMAIL_ENDPOINT: z.url().optional().describe('Required with acs. Endpoint of the Communication Services resource'),
    EMAIL_SENDER_ADDRESS: z.string().email().default('no-reply@shop.local').describe('Optional. From address (a verified ACS sender in Azure)'),
    EMAIL_OUTBOX_DIR: z.string().min(1).default('.data/outbox').describe('Optional. Folder of the .eml files with outbox'),
    NOTIFICATION_CLAIMS_STORE: z
      .enum(['redis', 'memory'])
      .default('redis')
      .describe("Optional. Where e-mails are claimed before sending: 'redis' (shared by every instance) or 'memory' (one instance only, local runs)"),
    NOTIFICATION_CLAIMS_REDIS_URL: z
      .url({ protocol: /^rediss?$/ })
      .optional()
      .describe('Required with redis. redis:// or rediss:// URL of the Redis holding the claims (credentials in the URL)'),
    NOTIFICATION_SENDING_LEASE_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(120)
      .describe('Optional. Seconds a claim holds while sending; a worker that dies mid-send delays the e-mail this long'),
    NOTIFICATION_SENT_RETENTION_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(604_800)
      .describe('Optional. Seconds a sent e-mail is remembered against redelivery (default 7 days)'),
  })
  .refine((settings) => settings.EMAIL_TRANSPORT !== 'acs' || settings.ACS_EMAIL_ENDPOINT, {
    message: 'ACS_EMAIL_ENDPOINT is required when EMAIL_TRANSPORT is acs',
    path: ['ACS_EMAIL_ENDPOINT'],
  })
  .refine((settings) => settings.NOTIFICATION_CLAIMS_STORE !== 'redis' || settings.NOTIFICATION_CLAIMS_REDIS_URL, {
    message: 'NOTIFICATION_CLAIMS_REDIS_URL is required when NOTIFICATION_CLAIMS_STORE is redis (the default)',
    path: ['NOTIFICATION_CLAIMS_REDIS_URL'],
  })
  // Fails closed: in Azure the host may set no environment name at all, and a link to localhost helps no customer.
  .refine((settings) => settings.SHOP_PUBLIC_URL !== undefined || isDevelopment(settings), {
    message: 'SHOP_PUBLIC_URL is required outside development (NODE_ENV=development or test, or AZURE_FUNCTIONS_ENVIRONMENT=Development): the public URL of the shop, e.g. https://shop.example.com',
    path: ['SHOP_PUBLIC_URL'],
  })
  .transform((settings) => ({ ...settings, SHOP_PUBLIC_URL: settings.SHOP_PUBLIC_URL ?? developmentShopPublicUrl }));

/** Whether the environment says development, where SHOP_PUBLIC_URL may default to the gateway's local URL. */
function isDevelopment(settings: { NODE_ENV?: string; AZURE_FUNCTIONS_ENVIRONMENT?: string }): boolean {
  return settings.NODE_ENV === 'development' || settings.NODE_ENV === 'test' || settings.AZURE_FUNCTIONS_ENVIRONMENT?.toLowerCase() === 'development';
}

/** The validated notification settings. */
export type NotificationsSettings = z.infer<typeof notificationsSettingsSchema>;

/** Validates the notification settings; throws one error listing every bad key. */
export function loadNotificationsSettings(environment: Record<string, string | undefined> = process.env): NotificationsSettings {
  const parsed = notificationsSettingsSchema.safeParse(presentSettings(environment));
  if (!parsed.success) throw new Error(`Invalid notification settings:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
