/**
 * The one place where the platform's wire names are defined. Dapr component YAML, Helm values and
 * Bicep use the same strings; a deployment check compares them against these constants.
 */

/** Dapr app ids (and local service names) of the platform's services. */
export const AppIds = {
  gateway: 'gateway',
  auth: 'auth',
  catalog: 'catalog',
  cart: 'cart',
  order: 'order',
  functions: 'functions',
} as const;
export type AppId = (typeof AppIds)[keyof typeof AppIds];

/** Dapr component names. */
export const Components = {
  /** Pub/sub: Azure Service Bus topics in Azure, Redis Streams locally. */
  pubsub: 'shop-pubsub',
  /** State store: Azure Cache for Redis in Azure. Carts, caches, throttling counters. */
  stateStore: 'shop-state',
  /** Secret store: Key Vault in Azure, a local file otherwise. */
  secretStore: 'shop-secrets',
  /**
   * Pub/sub whose every subscribing replica gets every event (one subscription per pod: Service Bus topics with
   * consumerID `{appID}-{podName}` in Azure, a consumer group per process on Redis Streams locally). For signals that
   * every replica must act on, such as dropping its in-process cache entries or a revoked partner key.
   */
  broadcastPubsub: 'shop-broadcast',
  /**
   * Pub/sub on which every region gets every event once (Service Bus topics with a subscription per app and region,
   * named by the component's consumerID `{appID}-<region>`, in Azure). For state a region keeps for itself that must
   * follow changes made in any region: the catalog's caches and the carts in the region's Redis.
   */
  regionalPubsub: 'shop-pubsub-regional',
} as const;


/** Pub/sub topics, one per aggregate stream; the CloudEvent `type` says what happened. */
export const Topics = {
  products: 'products',
  inventory: 'inventory',
  users: 'users',
  orders: 'orders',
  /** Anonymous product views and searches, for the analytics jobs. */
  analytics: 'analytics',
  /** Product batches from the external catalog sync, applied by catalog's bulk upsert. */
  catalogSync: 'catalog-sync',
  /** Cart lifecycle signals for notifications (abandoned carts). */
  carts: 'carts',
  /** Batches of audit entries from every service, stored by auth. */
  audit: 'audit',
  /** On the broadcast pub/sub: a partner key was revoked or rotated (every replica that verifies keys drops it). */
  apiKeys: 'api-keys',
  /** On the broadcast pub/sub: products whose cached representations (and the cached lists) every catalog replica drops. */
  catalogCache: 'catalog-cache',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];

/** Topics on the broadcast pub/sub (`Components.broadcastPubsub`, Redis Streams): not Service Bus topics. */
export const broadcastTopics: readonly Topic[] = [Topics.apiKeys, Topics.catalogCache];

/** The dead-letter topic of a topic: where DROPped events and exhausted retries go. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.deadletter`;
}

/** CloudEvent `type` values. */
export const EventTypes = {
  productCreated: 'product.created',
  productUpdated: 'product.updated',
  productDeleted: 'product.deleted',
  productViewed: 'product.viewed',
  catalogSearched: 'catalog.searched',
  inventoryReserved: 'inventory.reserved',
  inventoryReleased: 'inventory.released',
  inventoryLow: 'inventory.low',
  userRegistered: 'user.registered',
  userRegistrationRepeated: 'user.registration_repeated',
  userPasswordResetRequested: 'user.password_reset_requested',
  userEmailVerificationRequested: 'user.email_verification_requested',
  orderPlaced: 'order.placed',
  orderConfirmed: 'order.confirmed',
  orderCancelled: 'order.cancelled',
  orderShipped: 'order.shipped',
  catalogSyncBatch: 'catalog.sync.batch',
  cartAbandoned: 'cart.abandoned',
  auditEntriesRecorded: 'audit.entries_recorded',
  apiKeyRevoked: 'api-key.revoked',
  apiKeyRotated: 'api-key.rotated',
  catalogCacheInvalidated: 'catalog.cache_invalidated',
} as const;
export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

/** Public path prefixes routed by the gateway (and the Application Gateway / Ingress in Azure) to each app. */
export const RoutePrefixes: ReadonlyArray<{ prefix: string; appId: AppId }> = [
  { prefix: '/api/auth', appId: AppIds.auth },
  { prefix: '/api/catalog', appId: AppIds.catalog },
  { prefix: '/api/cart', appId: AppIds.cart },
  { prefix: '/api/orders', appId: AppIds.order },
  /** The partner API (keys, not user tokens), served by catalog. */
  { prefix: '/api/partner', appId: AppIds.catalog },
  /** Admin APIs that span the contexts: partner keys, their usage, and the audit log, kept by auth. */
  { prefix: '/api/admin/api-keys', appId: AppIds.auth },
  { prefix: '/api/admin/partner-usage', appId: AppIds.auth },
  { prefix: '/api/admin/audit-log', appId: AppIds.auth },
];

/** Roles a user can hold. */
export const Roles = { customer: 'customer', admin: 'admin' } as const;
export type Role = (typeof Roles)[keyof typeof Roles];

/** Catalog's internal stock-reservation API, called by the order service (never routed by the gateway). */
export const CatalogInternalPaths = {
  /** POST `{orderId, lines: [{productId, quantity}], ttlSeconds?}`: reserve all lines or none (idempotent per order). */
  reservations: '/internal/catalog/reservations',
  /** POST: the reservation becomes a sale (on hand decreases). Idempotent. */
  commitReservation: (orderId: string) => `/internal/catalog/reservations/${encodeURIComponent(orderId)}/commit`,
  /** POST: give the reserved units back. Idempotent. */
  releaseReservation: (orderId: string) => `/internal/catalog/reservations/${encodeURIComponent(orderId)}/release`,
  /** POST: release every reservation past its expiry (the batch job). Idempotent, safe to run twice at once. */
  releaseExpiredReservations: '/internal/catalog/reservations/release-expired',
  /** POST `{source, trigger}`: opens a sync run → `{runId, source, startedAt}`. */
  syncRuns: '/internal/catalog/sync-runs',
  /**
   * POST `{complete, batches, fetched, rejected: [{externalId, reason}], errors: [string]}`: the sync has sent all it
   * will send. Catalog finishes the run once `batches` batches of it are applied; a complete run archives the
   * source's products it did not see, a partial one archives nothing. → the run summary.
   */
  finishSyncRun: (runId: string) => `/internal/catalog/sync-runs/${encodeURIComponent(runId)}/finish`,
  /** POST: creates the next months' partitions of the catalog's partitioned tables and drops those past retention → the report. Idempotent. */
  maintainPartitions: '/internal/catalog/partitions/maintain',
  /** POST: deletes the media objects of images no product has had for the grace period → the report. Safe to run at any time, and twice at once. */
  sweepMedia: '/internal/catalog/media/sweep',
} as const;

/** Cart's internal routes, called by the batch jobs and the order service's checkout. */
export const CartInternalPaths = {
  /** POST `{idleHours?}`: publishes `cart.abandoned` once for every signed-in cart idle that long → `{reminded}`. */
  remindAbandonedCarts: '/internal/cart/abandoned-carts/remind',
  /**
   * POST `{orderId, cartVersion}`: the order takes the user's cart at that version, its lines move into the order's
   * hold → `{orderId, status, lines}`; 409 when the cart moved on. Idempotent per order id.
   */
  checkouts: (userId: string) => `/internal/cart/users/${encodeURIComponent(userId)}/checkouts`,
  /** POST: the order gives the cart back (its held lines return) → `{orderId, status}`. Idempotent; after it the order can take nothing. */
  releaseCheckout: (userId: string, orderId: string) => `/internal/cart/users/${encodeURIComponent(userId)}/checkouts/${encodeURIComponent(orderId)}/release`,
} as const;

/** Order's internal routes, called by the batch jobs. */
export const OrderInternalPaths = {
  /** POST `{date: 'YYYY-MM-DD'}`: computes and stores the daily sales and analytics report of that UTC day → the report. */
  dailyReport: '/internal/orders/reports/daily',
} as const;

/** Auth's internal routes, called for notifications. */
export const AuthInternalPaths = {
  /** GET → `{id, email, name}` of one account. */
  user: (userId: string) => `/internal/auth/users/${encodeURIComponent(userId)}`,
  /** GET → `{items: [{id, email, name}]}`: every admin account. */
  admins: '/internal/auth/admins',
  /** POST `{key}` → `VerifiedApiKey`, or 401 for a key that does not open the partner API now. */
  verifyApiKey: '/internal/auth/api-keys/verify',
  /** POST: creates the next months' partitions of the audit log and drops those past retention → the report. Idempotent. */
  maintainPartitions: '/internal/auth/partitions/maintain',
} as const;

/**
 * Cart's API as the order service reads it, with the shopper's own bearer token: the cart, whose ETag is the version
 * a checkout takes it at (`CartInternalPaths.checkouts`).
 */
export const CartPaths = {
  cart: '/api/cart',
} as const;

/** Simulated payment method tokens: every branch of checkout can be driven from a test or a demo. */
export const SimulatedPaymentTokens = {
  approve: 'pm_sim_approve',
  decline: 'pm_sim_decline',
  /** The provider does not answer in time (the charge may or may not have happened). */
  timeout: 'pm_sim_timeout',
} as const;

export * from './money';
export * from './problem';
export * from './cart';
export * from './auth';
export * from './orders';
export * from './catalog';
export * from './reservations';
export * from './catalog-sync';
export * from './user-authorization';
export * from './partner';
export * from './audit';
export * from './markets';
export * from './media';
