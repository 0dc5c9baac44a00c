import request from 'supertest';
import { InMemoryEventBus, InMemoryStateStore, type CloudEvent } from '@shop/building-blocks';
import { Topics, adminProductViewSchema, type AdminProductView } from '@shop/contracts';
import { AccessTokenSigner, StaticJwks, TokenVerifier, generateSigningKey, type UserAuthorizations } from '@shop/auth-tokens';
import { createLogger } from '@shop/platform';
import { PgliteDatabase, openThrowawayPgDatabase, type Database } from '@shop/postgres';
import { eventually, type TestDatabase } from '@shop/testing';
import { createCatalogApp, migrateCatalog, type CatalogApp, type CatalogAppDeps } from '../src/composition';
import { OutboxRelay } from '../src/data/outbox';

/** Openers for describeEachDatabase: a migrated catalog database on PGlite or on a throwaway PostgreSQL database. */
export const catalogDatabases = {
  pglite: async (): Promise<TestDatabase<Database>> => {
    const db = await PgliteDatabase.open();
    await migrateCatalog(db);
    return { db, close: () => db.close() };
  },
  postgres: async (serverUrl: string): Promise<TestDatabase<Database>> => {
    const throwaway = await openThrowawayPgDatabase(serverUrl, 'catalog_test');
    await migrateCatalog(throwaway.db);
    return throwaway;
  },
};

// One signing key per test process: RSA key generation takes a while.
const signer = new AccessTokenSigner({ keys: [generateSigningKey()] });
const strangerSigner = new AccessTokenSigner({ keys: [generateSigningKey()] });

/** Bearer tokens for the roles a test needs. */
export const tokens = {
  admin: signer.sign({ userId: 'admin-1', email: 'admin@example.com', roles: ['admin'] }),
  customer: signer.sign({ userId: 'customer-1', email: 'customer@example.com', roles: ['customer'] }),
  /** An admin token signed by a key the catalog does not trust. */
  unknownKey: strangerSigner.sign({ userId: 'admin-x', email: 'x@example.com', roles: ['admin'] }),
};

/** Auth's database as these tokens' users stand in it: the admin is still an admin (test/e2e/current-admin-role.test.ts asks the real auth). */
const stillAdmins: UserAuthorizations = {
  authorizationOf: async (userId) => (userId === 'admin-1' ? { userId, roles: ['customer', 'admin'], disabled: false } : undefined),
};

/** The catalog app on in-memory building blocks, with a running outbox relay and a recorder of published events. */
export interface CatalogHarness {
  catalog: CatalogApp;
  http: ReturnType<typeof request>;
  db: Database;
  stateStore: InMemoryStateStore;
  eventBus: InMemoryEventBus;
  relay: OutboxRelay;
  /** Events seen on each topic, in order. */
  received: Map<string, CloudEvent[]>;
  /** Publishes what is in the outbox and waits until every subscriber has it. */
  flushEvents(): Promise<void>;
  close(): Promise<void>;
}

/** Options of a harness: the app API token the internal routes require (none by default). */
export interface HarnessOptions {
  appApiToken?: string;
  /** Sizes and TTLs of the app's read cache (L1, L2); default: the configuration's defaults. */
  readCache?: CatalogAppDeps['readCache'];
  /** Where the app audits admin actions and partner requests; default: nowhere. */
  audit?: CatalogAppDeps['audit'];
  /** The rate table that derives market prices (PRICE_CONVERSION_RATES); default: none. */
  priceConversionRates?: CatalogAppDeps['priceConversionRates'];
  /** Where uploaded images go; default: none (uploads and /media answer 503). */
  media?: CatalogAppDeps['media'];
  /** Upload limits lower than the contract's, to test the refusals cheaply. */
  imageLimits?: CatalogAppDeps['imageLimits'];
  /** The languages of product texts; default: the app's (en, with de and ja). */
  productLanguages?: CatalogAppDeps['productLanguages'];
  /** The absolute origin of media URLs; default: paths. */
  mediaBaseUrl?: CatalogAppDeps['mediaBaseUrl'];
}

/** Builds the catalog app on `db` with fresh in-memory adapters. */
export async function buildHarness(db: Database, options: HarnessOptions = {}): Promise<CatalogHarness> {
  const logger = createLogger({ service: 'catalog-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const stateStore = new InMemoryStateStore();
  const eventBus = new InMemoryEventBus({ source: 'catalog' });
  const received = new Map<string, CloudEvent[]>();
  for (const topic of [Topics.products, Topics.analytics, Topics.inventory]) {
    received.set(topic, []);
    eventBus.subscribe(
      topic,
      async (event) => {
        received.get(topic)!.push(event);
        return 'SUCCESS';
      },
      { group: 'test-recorder' },
    );
  }
  await eventBus.start();
  const relay = new OutboxRelay({ db, eventBus, logger, pollIntervalMs: 50 });
  relay.start();
  const verifier = new TokenVerifier({ jwks: new StaticJwks(signer.jwks()) });
  const catalog = createCatalogApp({ db, stateStore, eventBus, verifier, authorizations: stillAdmins, logger, outboxRelay: relay, appApiToken: options.appApiToken, readCache: options.readCache, audit: options.audit, priceConversionRates: options.priceConversionRates, media: options.media, imageLimits: options.imageLimits, productLanguages: options.productLanguages, mediaBaseUrl: options.mediaBaseUrl });
  return {
    catalog,
    http: request(catalog.app),
    db,
    stateStore,
    eventBus,
    relay,
    received,
    flushEvents: async () => {
      // Until the outbox is empty, not until a round publishes nothing: a round the relay was already running may have
      // read the outbox before the last commit, and joining it would return 0 with the newest events still waiting.
      await eventually(async () => {
        await relay.relayOnce();
        return (await pendingOutboxEvents(db)) === 0;
      });
      await eventBus.whenIdle();
    },
    close: async () => {
      await relay.stop();
      await eventBus.close();
    },
  };
}

/** A valid product body; override what a test cares about. */
export function productBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sku: `SKU-${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    name: 'Test Product',
    description: 'A product made by a test',
    brand: 'Testbrand',
    price: { amount: 1999, currency: 'EUR' },
    status: 'active',
    ...overrides,
  };
}

/** Creates a product through the admin API and returns its body (checked against the contract) and ETag. */
export async function createProduct(harness: CatalogHarness, overrides: Record<string, unknown> = {}): Promise<{ body: AdminProduct; etag: string }> {
  const response = await harness.http.post('/api/catalog/products').set('Authorization', `Bearer ${tokens.admin}`).send(productBody(overrides));
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { body: adminProductViewSchema.parse(response.body), etag: response.headers.etag };
}

/** The admin representation, as the contract declares it. */
export type AdminProduct = AdminProductView;

/** Events in the outbox that the relay has not published yet. */
async function pendingOutboxEvents(db: Database): Promise<number> {
  const { rows } = await db.query<{ count: number }>('SELECT count(*) AS count FROM outbox_events');
  return Number(rows[0]?.count ?? 0);
}

/** Row counts of the catalog's tables, to prove that a refused request wrote nothing. */
export async function tableCounts(db: Database): Promise<Record<string, number>> {
  // The outbox is left out: the relay empties it in the background.
  const { rows } = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM products) AS products, (SELECT count(*) FROM categories) AS categories,
            (SELECT count(*) FROM inventory) AS inventory, (SELECT coalesce(sum(version), 0) FROM products) AS version_sum,
            (SELECT coalesce(sum(on_hand), 0) FROM inventory) AS on_hand_sum`,
  );
  return Object.fromEntries(Object.entries(rows[0]).map(([key, value]) => [key, Number(value)]));
}
