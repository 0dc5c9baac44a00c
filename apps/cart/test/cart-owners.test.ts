import { InMemoryStateStore } from '@shop/building-blocks';
import { bearerFor, buildTestCart, cartOf, quantities, startTestCatalog, type TestCart, type TestCatalog, type TestProduct } from './cart-harness';

const cartIdShape = /^[A-Za-z0-9_-]{32}$/;

/** The cart_id cookie a response sets, with its attributes. */
function cartCookieOf(response: { headers: Record<string, unknown> }): string | undefined {
  const cookies = (response.headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.find((cookie) => cookie.startsWith('cart_id='));
}

/** How long held reads wait for the others before the race is declared broken. */
const BARRIER_DEADLINE_MS = 5000;

/**
 * Holds the next `count` reads of guest carts until all `count` have happened (each read has its value already), so
 * racing requests all read the same version before any can claim it. Fails those reads when the others do not come
 * within the deadline, instead of letting the race silently not happen.
 */
class GuestReadBarrier extends InMemoryStateStore {
  heldReads = 0;
  private expected = 0;
  private readonly waiting: Array<{ release: () => void }> = [];

  holdGuestReads(count: number): void {
    this.expected = count;
    this.heldReads = 0;
  }

  override async get<T>(key: string) {
    const entry = await super.get<T>(key);
    if (key.startsWith('cart:guest:') && this.heldReads < this.expected) {
      this.heldReads += 1;
      await new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`only ${this.heldReads} of ${this.expected} guest cart reads came within ${BARRIER_DEADLINE_MS} ms`)), BARRIER_DEADLINE_MS);
        this.waiting.push({
          release: () => {
            clearTimeout(deadline);
            resolve();
          },
        });
        if (this.heldReads === this.expected) for (const held of this.waiting.splice(0)) held.release();
      });
    }
    return entry;
  }
}

describe('cart owners: guest carts, user carts and the merge at sign-in', () => {
  let catalog: TestCatalog;
  let lantern: TestProduct;
  let stove: TestProduct;
  let t: TestCart;
  let userCounter = 0;
  const newUser = () => bearerFor(`owners-user-${(userCounter += 1)}`);

  beforeAll(async () => {
    catalog = await startTestCatalog();
    [lantern, stove] = await Promise.all([catalog.createProduct(), catalog.createProduct({ price: { amount: 500, currency: 'EUR' } })]);
    t = buildTestCart({ catalogUrl: catalog.url, settings: { CART_MAX_LINE_QUANTITY: 5, TRUSTED_PROXIES: ['loopback'] } });
  }, 60_000);
  afterAll(() => catalog?.stop());

  it('when a guest adds a first item, then an unguessable cart id is handed out in X-Cart-Id and an HttpOnly SameSite=Lax cookie', async () => {
    expect(cartOf(await t.http.get('/api/cart').expect(200))).toMatchObject({ owner: 'guest', cartId: null, lines: [] });
    const response = await t.http.post('/api/cart/items').send({ productId: lantern.id, quantity: 1 }).expect(200);
    const cartId = response.headers['x-cart-id'];
    expect(cartId).toMatch(cartIdShape);
    expect(cartOf(response)).toMatchObject({ owner: 'guest', cartId, itemCount: 1 });
    const cookie = cartCookieOf(response)!;
    expect(cookie).toContain(`cart_id=${cartId}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/api\/cart/);
    expect(cookie).toMatch(/Max-Age=604800/);
    expect(cookie).not.toMatch(/Secure/);

    const other = await t.http.post('/api/cart/items').send({ productId: lantern.id, quantity: 1 }).expect(200);
    expect(other.headers['x-cart-id']).not.toBe(cartId);
  });

  it('when the guest comes back with the id in X-Cart-Id or in the cookie, then the same cart is used', async () => {
    const first = await t.http.post('/api/cart/items').send({ productId: lantern.id, quantity: 1 }).expect(200);
    const cartId = first.headers['x-cart-id'];
    await t.http.post('/api/cart/items').set('X-Cart-Id', cartId).send({ productId: stove.id, quantity: 2 }).expect(200);
    const byCookie = await t.http.post('/api/cart/items').set('Cookie', `theme=dark; cart_id=${cartId}`).send({ productId: lantern.id, quantity: 1 }).expect(200);
    expect(byCookie.headers['x-cart-id']).toBe(cartId);
    const view = cartOf(await t.http.get('/api/cart').set('Cookie', `cart_id=${cartId}`).expect(200));
    expect(view.cartId).toBe(cartId);
    expect(quantities(view)).toEqual({ [lantern.id]: 2, [stove.id]: 2 });
  });

  it('when the request came over https through the proxy, then the cookie is Secure', async () => {
    const response = await t.http.post('/api/cart/items').set('X-Forwarded-Proto', 'https').send({ productId: lantern.id, quantity: 1 }).expect(200);
    expect(cartCookieOf(response)).toMatch(/; Secure/);
  });

  it('when a guest sends an unknown cart id, then it gets an empty cart and its first write gets a new id, not the one it chose', async () => {
    const chosen = 'A'.repeat(32);
    expect(cartOf(await t.http.get('/api/cart').set('X-Cart-Id', chosen).expect(200))).toMatchObject({ cartId: null, lines: [] });
    const response = await t.http.post('/api/cart/items').set('X-Cart-Id', chosen).send({ productId: lantern.id, quantity: 1 }).expect(200);
    expect(response.headers['x-cart-id']).toMatch(cartIdShape);
    expect(response.headers['x-cart-id']).not.toBe(chosen);
    expect(cartOf(await t.http.get('/api/cart').set('X-Cart-Id', chosen).expect(200)).lines).toEqual([]);
  });

  it('when a malformed cart_id cookie arrives, then 400 and the cookie is expired so the browser recovers', async () => {
    const response = await t.http.get('/api/cart').set('Cookie', 'cart_id=not-a-cart-id').expect(400);
    expect(response.type).toBe('application/problem+json');
    expect(cartCookieOf(response)).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  it('when a guest cart is not written for longer than its TTL, then it is gone and a write within the TTL keeps it alive', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const now = () => clock;
    const expiring = buildTestCart({ catalogUrl: catalog.url, stateStore: new InMemoryStateStore({ now }), settings: { GUEST_CART_TTL_SECONDS: 60 }, now: () => new Date(clock) });
    const cartId = (await expiring.http.post('/api/cart/items').send({ productId: lantern.id, quantity: 1 }).expect(200)).headers['x-cart-id'];
    clock += 50_000;
    await expiring.http.post('/api/cart/items').set('X-Cart-Id', cartId).send({ productId: lantern.id, quantity: 1 }).expect(200);
    clock += 50_000;
    expect(quantities(cartOf(await expiring.http.get('/api/cart').set('X-Cart-Id', cartId).expect(200)))).toEqual({ [lantern.id]: 2 });
    clock += 61_000;
    expect(cartOf(await expiring.http.get('/api/cart').set('X-Cart-Id', cartId).expect(200))).toMatchObject({ cartId: null, lines: [] });
  });

  it("when a user signs in, then the cart is the user's on every device and a guest id alone cannot reach it", async () => {
    const user = newUser();
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: stove.id, quantity: 3 }).expect(200);
    const view = cartOf(await t.http.get('/api/cart').set('Authorization', user).expect(200));
    expect(view).toMatchObject({ owner: 'user', cartId: null });
    expect(quantities(view)).toEqual({ [stove.id]: 3 });
    // A guest's own cart is not the user's, whatever its id.
    const guestId = (await t.http.post('/api/cart/items').send({ productId: lantern.id, quantity: 1 }).expect(200)).headers['x-cart-id'];
    expect(quantities(cartOf(await t.http.get('/api/cart').set('X-Cart-Id', guestId).expect(200)))).toEqual({ [lantern.id]: 1 });
  });

  it('when a signed-in request carries a guest cart id, then the guest lines merge in (quantities add up to the cap) once and the guest cart is gone', async () => {
    const user = newUser();
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: lantern.id, quantity: 4 }).expect(200);
    const guestId = (await t.http.post('/api/cart/items').send({ productId: lantern.id, quantity: 3 }).expect(200)).headers['x-cart-id'];
    await t.http.post('/api/cart/items').set('X-Cart-Id', guestId).send({ productId: stove.id, quantity: 2 }).expect(200);

    const merged = await t.http.get('/api/cart').set('Authorization', user).set('Cookie', `cart_id=${guestId}`).expect(200);
    expect(cartOf(merged)).toMatchObject({ owner: 'user', mergedGuestCart: true });
    expect(quantities(cartOf(merged))).toEqual({ [lantern.id]: 5, [stove.id]: 2 });
    expect(cartCookieOf(merged)).toMatch(/Expires=Thu, 01 Jan 1970/);

    const again = cartOf(await t.http.get('/api/cart').set('Authorization', user).set('X-Cart-Id', guestId).expect(200));
    expect(again.mergedGuestCart).toBeUndefined();
    expect(quantities(again)).toEqual({ [lantern.id]: 5, [stove.id]: 2 });
    // The spent guest id now leads to an empty guest cart, not to the user's cart.
    expect(cartOf(await t.http.get('/api/cart').set('X-Cart-Id', guestId).expect(200))).toMatchObject({ owner: 'guest', cartId: null, lines: [] });
  });

  it('when several signed-in requests carry the same guest cart at once, then its lines merge exactly once', async () => {
    const store = new GuestReadBarrier();
    const racing = buildTestCart({ catalogUrl: catalog.url, stateStore: store, settings: { CART_MAX_LINE_QUANTITY: 5 } });
    const user = newUser();
    const guestId = (await racing.http.post('/api/cart/items').send({ productId: lantern.id, quantity: 1 }).expect(200)).headers['x-cart-id'];
    await racing.http.post('/api/cart/items').set('X-Cart-Id', guestId).send({ productId: stove.id, quantity: 2 }).expect(200);

    // A browser signing in reads the cart from several places at once (header badge, the page), each with the cookie.
    // All four have read the same version of the guest cart before any of them may claim it.
    store.holdGuestReads(4);
    const answers = await Promise.all(Array.from({ length: 4 }, () => racing.http.get('/api/cart').set('Authorization', user).set('Cookie', `cart_id=${guestId}`).expect(200)));
    expect(store.heldReads).toBe(4);
    expect(answers.filter((answer) => cartOf(answer).mergedGuestCart === true)).toHaveLength(1);
    expect(quantities(cartOf(await racing.http.get('/api/cart').set('Authorization', user).expect(200)))).toEqual({ [lantern.id]: 1, [stove.id]: 2 });
  });

  it('when the merge happens on a write, then the write applies to the merged cart', async () => {
    const user = newUser();
    const guestId = (await t.http.post('/api/cart/items').send({ productId: lantern.id, quantity: 2 }).expect(200)).headers['x-cart-id'];
    const response = await t.http.post('/api/cart/items').set('Authorization', user).set('X-Cart-Id', guestId).send({ productId: lantern.id, quantity: 1 }).expect(200);
    expect(cartOf(response)).toMatchObject({ owner: 'user', mergedGuestCart: true });
    expect(quantities(cartOf(response))).toEqual({ [lantern.id]: 3 });
    expect(response.headers['x-cart-id']).toBeUndefined();
  });
});
