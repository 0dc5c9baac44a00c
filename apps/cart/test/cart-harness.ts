import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { EtagMismatchError, HttpServiceInvoker, InMemoryBroker, InMemoryEventBus, InMemoryStateStore, type EventBus, type SaveOptions, type ServiceInvoker, type StateEntry, type StateStore } from '@shop/building-blocks';
import { AccessTokenSigner, StaticJwks, TokenVerifier, generateSigningKey } from '@shop/auth-tokens';
import { loadCatalogConfig, startCatalogService } from '@shop/catalog';
import { AppIds, type CartView } from '@shop/contracts';
import { createLogger, type RunningServer } from '@shop/platform';
import { createEmbeddedBuildingBlocks } from '@shop/service-runtime';
import { createCartApp, type CartApp, type CartSettings } from '../src/composition';

/** Test logs are silent unless TEST_LOG_LEVEL says otherwise. */
export const testLogger = createLogger({ service: 'cart-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

// One signing key per test process: RSA key generation takes a while.
const signer = new AccessTokenSigner({ keys: [generateSigningKey()] });
const strangerSigner = new AccessTokenSigner({ keys: [generateSigningKey()] });

/** Verifies tokens of the test signer (catalog and cart trust the same keys, as they trust auth's in production). */
export const testVerifier = new TokenVerifier({ jwks: new StaticJwks(signer.jwks()) });

/** A customer's bearer header. */
export function bearerFor(userId: string): string {
  return `Bearer ${signer.sign({ userId, email: `${userId}@example.com`, roles: ['customer'] })}`;
}

/** A token signed by a key nobody trusts. */
export const untrustedBearer = `Bearer ${strangerSigner.sign({ userId: 'mallory', email: 'mallory@example.com', roles: ['customer'] })}`;

const adminBearer = `Bearer ${signer.sign({ userId: 'admin-1', email: 'admin@example.com', roles: ['admin'] })}`;

/** A product as the admin API answers. */
export interface TestProduct {
  id: string;
  sku: string;
  name: string;
  price: { amount: number; currency: string };
}

/** A real catalog service in this process (embedded PGlite in a temporary folder) and admin helpers for tests. */
export interface TestCatalog {
  url: string;
  /** Creates a product (active, EUR 19.99 and 100 in stock unless overridden). */
  createProduct(overrides?: {
    price?: { amount: number; currency: string };
    status?: 'active' | 'draft' | 'archived';
    onHand?: number;
    name?: string;
    translations?: Record<string, { name: string }>;
  }): Promise<TestProduct>;
  setStock(productId: string, onHand: number): Promise<void>;
  setPrice(productId: string, amount: number, currency?: string): Promise<void>;
  archive(productId: string): Promise<void>;
  stop(): Promise<void>;
}

let skuCounter = 0;

/** Starts catalog on a free port; `environment` adds to its configuration (MARKETS, PRICE_CONVERSION_RATES...). */
export async function startTestCatalog(environment: Record<string, string> = {}): Promise<TestCatalog> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cart-test-catalog-'));
  const server: RunningServer = await startCatalogService({
    config: { ...loadCatalogConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, SEED_DEMO_CATALOG: 'false', ...environment }) },
    logger: testLogger,
    blocks: createEmbeddedBuildingBlocks({ appId: AppIds.catalog, serviceUrls: {} }),
    verifier: testVerifier,
  });
  const http = request(server.url);
  // Admin writes need If-Match with the product's latest ETag.
  const etags = new Map<string, string>();
  const write = async (method: 'put' | 'patch' | 'post', url: string, productId: string, body?: unknown) => {
    const response = await http[method](url).set('Authorization', adminBearer).set('If-Match', etags.get(productId)!).send(body as object);
    if (response.status !== 200) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(response.body)}`);
    etags.set(productId, response.headers.etag);
  };
  const catalog: TestCatalog = {
    url: server.url,
    createProduct: async (overrides = {}) => {
      skuCounter += 1;
      const sku = `CART-${process.pid}-${skuCounter}`;
      const response = await http
        .post('/api/catalog/products')
        .set('Authorization', adminBearer)
        .send({ sku, name: overrides.name ?? `Product ${sku}`, price: overrides.price ?? { amount: 1999, currency: 'EUR' }, status: overrides.status ?? 'active', translations: overrides.translations });
      if (response.status !== 201) throw new Error(`create product: ${response.status} ${JSON.stringify(response.body)}`);
      const product = response.body as TestProduct;
      etags.set(product.id, response.headers.etag);
      await catalog.setStock(product.id, overrides.onHand ?? 100);
      return product;
    },
    setStock: (productId, onHand) => write('put', `/api/catalog/products/${productId}/inventory`, productId, { onHand }),
    setPrice: (productId, amount, currency = 'EUR') => write('patch', `/api/catalog/products/${productId}`, productId, { price: { amount, currency } }),
    archive: (productId) => write('post', `/api/catalog/products/${productId}/archive`, productId),
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return catalog;
}

/** A state store that counts writes, to prove a refused request wrote nothing, and guarded saves that lost to another writer. */
export class CountingStateStore implements StateStore {
  writes = 0;
  conflicts = 0;
  constructor(readonly inner: StateStore) {}
  get<T>(key: string): Promise<StateEntry<T> | undefined> {
    return this.inner.get<T>(key);
  }
  async save<T>(key: string, value: T, options?: SaveOptions): Promise<string> {
    this.writes += 1;
    try {
      return await this.inner.save(key, value, options);
    } catch (error) {
      if (error instanceof EtagMismatchError) this.conflicts += 1;
      throw error;
    }
  }
  delete(key: string, options?: { etag?: string }): Promise<void> {
    this.writes += 1;
    return this.inner.delete(key, options);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The cart app on a state store (in memory unless given), calling the given catalog. */
export interface TestCart {
  cart: CartApp;
  http: ReturnType<typeof request>;
  store: CountingStateStore;
}

/** Builds the cart app for supertest. */
export function buildTestCart(options: {
  catalogUrl: string;
  stateStore?: StateStore;
  settings?: Partial<CartSettings>;
  now?: () => Date;
  invoker?: ServiceInvoker;
  /** Where the cart publishes; default: an in-memory bus on a broker of its own. */
  eventBus?: EventBus;
}): TestCart {
  const store = new CountingStateStore(options.stateStore ?? new InMemoryStateStore());
  const cart = createCartApp({
    stateStore: store,
    eventBus: options.eventBus ?? new InMemoryEventBus({ source: AppIds.cart, broker: new InMemoryBroker({ retainedEventsPerTopic: 0 }) }),
    invoker: options.invoker ?? new HttpServiceInvoker({ services: { [AppIds.catalog]: options.catalogUrl } }),
    verifier: testVerifier,
    logger: testLogger,
    settings: options.settings,
    now: options.now,
  });
  return { cart, http: request(cart.app), store };
}

/** The cart in a response body. */
export function cartOf(response: { body: unknown }): CartView {
  return response.body as CartView;
}

/** productId → quantity of a cart, for compact assertions. */
export function quantities(view: CartView): Record<string, number> {
  return Object.fromEntries(view.lines.map((line) => [line.productId, line.quantity]));
}
