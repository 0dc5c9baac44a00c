import { z } from 'zod';
import { moneySchema } from './money';
import { productViewSchema } from './catalog';

// The partner API (`/api/partner/v1`, served by catalog), the API keys that open it (`/api/admin/api-keys`, owned by
// auth), and the events that carry a key's revocation and rotation to every replica that verifies keys.

/** No control characters in names shown to people and written to logs. */
const noControlCharacters = /^[^\p{Cc}]*$/u;

/** Rate-limit tiers of a partner key. */
export const apiKeyTiers = ['free', 'standard', 'premium'] as const;
/** A rate-limit tier. */
export const apiKeyTierSchema = z.enum(apiKeyTiers).meta({ id: 'PartnerApiKeyTier', description: 'Rate-limit tier: free, standard or premium' });
/** A rate-limit tier. */
export type ApiKeyTier = z.infer<typeof apiKeyTierSchema>;

/** Default requests per minute of each tier (configurable per deployment). */
export const DefaultTierLimitsPerMinute: Readonly<Record<ApiKeyTier, number>> = { free: 60, standard: 600, premium: 6000 };

/** What a key may read. */
export const ApiKeyScopes = { catalogRead: 'catalog:read', insightsRead: 'insights:read' } as const;
/** A scope of a partner key. */
export const apiKeyScopeSchema = z
  .enum([ApiKeyScopes.catalogRead, ApiKeyScopes.insightsRead])
  .meta({ id: 'PartnerApiKeyScope', description: 'catalog:read (products), insights:read (price and stock history)' });
/** A scope of a partner key. */
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

/** How a key looks: `shp_` then 43 base64url characters (32 random bytes). */
export const apiKeyPattern = /^shp_[A-Za-z0-9_-]{43}$/;
/** How many leading characters of a key are stored and shown to recognise it (`shp_` + 8). */
export const API_KEY_PREFIX_LENGTH = 12;

/** Body of `POST /api/admin/api-keys`. */
export const createApiKeyBodySchema = z
  .strictObject({
    name: z.string().max(400).normalize('NFC').trim().min(1).max(100).regex(noControlCharacters, 'must not contain control characters'),
    tier: apiKeyTierSchema,
    scopes: z
      .array(apiKeyScopeSchema)
      .min(1)
      .max(2)
      .refine((scopes) => new Set(scopes).size === scopes.length, { error: 'must not name a scope twice' }),
  })
  .meta({ id: 'PartnerApiKeyCreateBody', description: 'A new partner key: a name to recognise it by, its tier and its scopes' });
/** Body of `POST /api/admin/api-keys`. */
export type CreateApiKeyBody = z.infer<typeof createApiKeyBodySchema>;

/** The states of a key. */
export const apiKeyStatuses = ['active', 'revoked'] as const;
/** The state of a key. */
export type ApiKeyStatus = (typeof apiKeyStatuses)[number];

/** A key as the admin list shows it: never the key itself. */
export const apiKeyViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    tier: apiKeyTierSchema,
    scopes: z.array(apiKeyScopeSchema),
    prefix: z.string().meta({ description: 'The first characters of the current key, to recognise it' }),
    status: z.enum(apiKeyStatuses),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    rotatedAt: z.iso.datetime().nullable().meta({ description: 'When the current key replaced the previous one' }),
    previousKeyValidUntil: z.iso.datetime().nullable().meta({ description: 'Until when the key before the last rotation still works' }),
  })
  .meta({ id: 'PartnerApiKey', description: 'A partner key as admins see it (the key itself is shown only once, when issued)' });
/** A key as the admin list shows it. */
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

/** Reply of `POST /api/admin/api-keys` and `POST /api/admin/api-keys/{id}/rotate` (201): the only time the key is shown. */
export const issuedApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    tier: apiKeyTierSchema,
    scopes: z.array(apiKeyScopeSchema),
    prefix: z.string(),
    key: z.string().meta({ description: 'The key: shown only in this answer, stored only as a keyed hash' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'PartnerIssuedApiKey', description: 'A newly issued key, shown once' });
/** A newly issued key. */
export type IssuedApiKey = z.infer<typeof issuedApiKeySchema>;

/** Reply of `GET /api/admin/api-keys`. */
export const apiKeyListSchema = z.object({ items: z.array(apiKeyViewSchema) }).meta({ id: 'PartnerApiKeyList', description: 'Every partner key, newest first' });
/** Reply of `GET /api/admin/api-keys`. */
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;

/** Body of auth's internal `POST /internal/auth/api-keys/verify`. */
export const verifyApiKeyBodySchema = z.strictObject({ key: z.string().max(200) }).meta({ id: 'PartnerVerifyApiKeyBody', description: 'A key as a partner sent it' });
/** Reply of the internal verify route (200); an unknown, revoked or expired key is a 401 problem. */
export const verifiedApiKeySchema = z
  .object({
    keyId: z.uuid(),
    tier: apiKeyTierSchema,
    scopes: z.array(apiKeyScopeSchema),
    validUntil: z.iso.datetime().nullable().meta({ description: 'Set when this key was rotated away: it stops working then' }),
  })
  .meta({ id: 'PartnerVerifiedApiKey', description: 'Who a valid key belongs to and what it may do' });
/** A verified key. */
export type VerifiedApiKey = z.infer<typeof verifiedApiKeySchema>;

/** Data of `api-key.revoked` and `api-key.rotated` on the broadcast topic `Topics.apiKeys` (every replica gets it). */
export const apiKeyChangedDataSchema = z
  .object({ keyId: z.uuid(), at: z.iso.datetime(), previousKeyValidUntil: z.iso.datetime().nullable().optional() })
  .meta({ id: 'PartnerApiKeyChangedData', description: 'Data of api-key.revoked and api-key.rotated' });
/** Data of `api-key.revoked` and `api-key.rotated`. */
export type ApiKeyChangedData = z.infer<typeof apiKeyChangedDataSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Partner reads
// ---------------------------------------------------------------------------------------------------------------

/** Limits of a partner product page. */
export const PartnerPageLimits = { default: 50, max: 100 } as const;

/** Query of `GET /api/partner/v1/products`. */
export const partnerProductListQuerySchema = z
  .strictObject({
    limit: z
      .string()
      .regex(/^\d{1,3}$/, { error: `must be an integer from 1 to ${PartnerPageLimits.max}` })
      .transform(Number)
      .pipe(z.number().int().min(1).max(PartnerPageLimits.max))
      .optional()
      .meta({ description: `Items per page, 1 to ${PartnerPageLimits.max} (default ${PartnerPageLimits.default})` }),
    cursor: z.string().max(1024).optional().meta({ description: 'The nextCursor of the previous page' }),
    category: z.string().max(100).regex(noControlCharacters).optional().meta({ description: 'Category slug; subcategories are included' }),
    updatedSince: z.iso.datetime({ offset: true }).optional().meta({ description: 'Only products changed at or after this instant' }),
  })
  .meta({ id: 'PartnerProductListQuery', description: 'A page of active products, oldest change first, optionally changed since an instant' });
/** A parsed partner list query. */
export type PartnerProductListQuery = z.infer<typeof partnerProductListQuerySchema>;

/** A product as partners read it: the public view. */
export const partnerProductSchema = productViewSchema.meta({ id: 'PartnerProduct', description: 'A product with its price and availability' });
/** One page of `GET /api/partner/v1/products`. */
export const partnerProductPageSchema = z
  .object({ items: z.array(partnerProductSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'PartnerProductPage', description: 'One page of products; follow nextCursor until it is null' });
/** One page of partner products. */
export type PartnerProductPage = z.infer<typeof partnerProductPageSchema>;

/** Bucket widths of a history query. */
export const historyIntervals = ['hour', 'day'] as const;
/** A bucket width. */
export type HistoryInterval = (typeof historyIntervals)[number];
/** The longest range of one history query per interval, in days. */
export const HistoryRangeLimitsDays: Readonly<Record<HistoryInterval, number>> = { hour: 31, day: 400 };

/** Query of `GET /api/partner/v1/products/{id}/history`; `from` < `to`, both UTC instants. */
export const productHistoryQuerySchema = z
  .strictObject({
    from: z.iso.datetime({ offset: true }).meta({ description: 'Start of the range (inclusive)' }),
    to: z.iso.datetime({ offset: true }).meta({ description: 'End of the range (exclusive)' }),
    interval: z.enum(historyIntervals).optional().meta({ description: 'Bucket width: hour or day (default day)' }),
  })
  .refine((query) => Date.parse(query.from) < Date.parse(query.to), { error: 'from must be before to', path: ['to'] })
  .refine((query) => Date.parse(query.to) - Date.parse(query.from) <= HistoryRangeLimitsDays[query.interval ?? 'day'] * 86_400_000, {
    error: `the range may span at most ${HistoryRangeLimitsDays.hour} days by hour and ${HistoryRangeLimitsDays.day} days by day`,
    path: ['to'],
  })
  .meta({ id: 'PartnerProductHistoryQuery', description: 'A time range and a bucket width' });
/** A parsed history query. */
export type ProductHistoryQuery = z.infer<typeof productHistoryQuerySchema>;

/** One bucket of a product's history: the price and the available stock over it. */
export const historyBucketSchema = z
  .object({
    start: z.iso.datetime(),
    price: z.object({ first: moneySchema, last: moneySchema, min: moneySchema, max: moneySchema }),
    available: z.object({ first: z.number().int(), last: z.number().int(), min: z.number().int(), max: z.number().int() }),
    changes: z.number().int().min(1).meta({ description: 'Snapshots in this bucket' }),
  })
  .meta({ id: 'PartnerHistoryBucket', description: 'Price and available stock over one hour or day (only buckets with changes are listed)' });
/** One bucket of a product's history. */
export type HistoryBucket = z.infer<typeof historyBucketSchema>;

/** Reply of `GET /api/partner/v1/products/{id}/history`. */
export const productHistorySchema = z
  .object({
    productId: z.uuid(),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    interval: z.enum(historyIntervals),
    initial: z
      .object({ price: moneySchema, available: z.number().int(), at: z.iso.datetime() })
      .nullable()
      .meta({ description: 'The last state before `from` (null when the product has no earlier snapshot)' }),
    buckets: z.array(historyBucketSchema),
  })
  .meta({ id: 'PartnerProductHistory', description: 'Price and stock history of a product, bucketed by hour or day, in UTC' });
/** A product's bucketed history. */
export type ProductHistory = z.infer<typeof productHistorySchema>;

/** Reply of `GET /api/partner/v1/usage`: the calling key's own figures for the current UTC day. */
export const partnerUsageSchema = z
  .object({
    keyId: z.uuid(),
    tier: apiKeyTierSchema,
    limitPerMinute: z.number().int().min(1),
    day: z.iso.date(),
    requestsToday: z.number().int().min(0).meta({ description: 'Requests let through today (UTC)' }),
    rejectedToday: z.number().int().min(0).meta({ description: 'Requests refused with 429 today (UTC)' }),
  })
  .meta({ id: 'PartnerUsage', description: "The calling key's usage today" });
/** The calling key's usage today. */
export type PartnerUsage = z.infer<typeof partnerUsageSchema>;

/** Where snapshots of a product's price or stock come from. */
export const snapshotSources = ['admin', 'sync', 'reservation', 'sale', 'release', 'expiry', 'seed'] as const;
/** Where a snapshot comes from. */
export type SnapshotSource = (typeof snapshotSources)[number];

/** Query of admin `GET /api/admin/partner-usage`: `days` 1..90, default 30 (today included). */
export const partnerUsageByTierQuerySchema = z
  .strictObject({
    days: z
      .string()
      .regex(/^\d{1,2}$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(90))
      .default(30),
  })
  .meta({ id: 'PartnerUsageByTierQuery' });
/** A parsed partner usage query. */
export type PartnerUsageByTierQuery = z.infer<typeof partnerUsageByTierQuerySchema>;

/** Reply of admin `GET /api/admin/partner-usage?days=`: partner requests per tier and UTC day, from the audit log. */
export const partnerUsageByTierSchema = z
  .object({
    days: z.array(
      z.object({
        day: z.iso.date(),
        tiers: z.array(z.object({ tier: apiKeyTierSchema, keys: z.number().int().min(0), requests: z.number().int().min(0), rejected: z.number().int().min(0) })),
      }),
    ),
  })
  .meta({ id: 'PartnerUsageByTier', description: 'Partner requests per tier and UTC day (oldest first)' });
/** Partner requests per tier and day. */
export type PartnerUsageByTier = z.infer<typeof partnerUsageByTierSchema>;

/** Reply of the internal `POST .../partitions/maintain` routes (catalog's product history, auth's audit log). */
export const partitionMaintenanceReportSchema = z
  .object({
    table: z.string(),
    created: z.array(z.string()).meta({ description: 'Partitions created by this run, oldest first' }),
    dropped: z.array(z.string()).meta({ description: 'Partitions past retention detached and dropped by this run' }),
    movedFromDefault: z.number().int().min(0).meta({ description: 'Rows moved out of the default partition into their month' }),
  })
  .meta({ id: 'PartitionMaintenanceReport', description: 'What one run of the monthly partition job changed in one table' });
/** What one partition maintenance run changed. */
export type PartitionMaintenanceReport = z.infer<typeof partitionMaintenanceReportSchema>;
