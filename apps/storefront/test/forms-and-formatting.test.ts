import { safeNextPath } from '../src/account/safe-next';
import { availabilityLabel, cartLineIssueText } from '../src/lib/availability';
import { catalogQueryFromParams, paramsFromCatalogQuery } from '../src/lib/catalog-query';
import { newIdempotencyKey } from '../src/lib/idempotency';
import { formatMoney, moneyInputValue, parseMoneyInput } from '../src/lib/money';
import { validateRegistration } from '../src/account/registration-form';
import { normalizeShippingAddress, validateShippingAddress } from '../src/shop/shipping-address-form';
import { createTranslator } from '../src/i18n/translator';
import { validateSignIn } from '../src/lib/validation';

describe('money', () => {
  it('when minor units are shown, then they are formatted for their currency without float drift', () => {
    expect(formatMoney({ amount: 129_900, currency: 'EUR' }, 'en-US')).toBe('€1,299.00');
    expect(formatMoney({ amount: 1999, currency: 'JPY' }, 'en-US')).toBe('¥1,999');
    expect(formatMoney({ amount: 10, currency: 'USD' }, 'en-US')).toBe('$0.10');
  });

  it('when an admin types a price, then it becomes integer minor units, or is refused', () => {
    expect(parseMoneyInput('12.5', 'EUR')).toBe(1250);
    expect(parseMoneyInput('12,99', 'EUR')).toBe(1299);
    expect(parseMoneyInput('0.29', 'EUR')).toBe(29);
    expect(parseMoneyInput('1299', 'JPY')).toBe(1299);
    for (const bad of ['', '-1', '1.999', 'abc', '1e3', '12.5', '9999999999999999999']) expect(parseMoneyInput(bad, bad === '12.5' ? 'JPY' : 'EUR')).toBeUndefined();
    expect(moneyInputValue({ amount: 5, currency: 'EUR' })).toBe('0.05');
    expect(moneyInputValue({ amount: 129_900, currency: 'EUR' })).toBe('1299.00');
  });
});

describe('shipping address validation', () => {
  const valid = { name: 'Erika', line1: 'Hauptstraße 5', city: 'Berlin', postalCode: '10115', country: 'DE' };

  it('when the address is complete, then there is nothing to correct', () => {
    expect(validateShippingAddress(valid)).toEqual({});
    expect(validateShippingAddress({ ...valid, phone: '+49 30 1234567', line2: '2nd floor' })).toEqual({});
  });

  it('when fields are missing or malformed, then each is named with a message', () => {
    const errors = validateShippingAddress({ name: ' ', line1: '', city: 'x'.repeat(101), postalCode: '1', country: 'XX', phone: 'call me' });
    expect(Object.keys(errors).sort()).toEqual(['city', 'country', 'line1', 'name', 'phone', 'postalCode']);
    expect(errors.line1).toBe('Enter the street and house number.');
    expect(validateShippingAddress({ ...valid, name: 'Erika\u0000' }).name).toBe('Remove the special characters.');
  });

  it('when the address is sent, then it is trimmed and empty optional fields are left out', () => {
    expect(normalizeShippingAddress({ ...valid, name: ' Erika ', postalCode: 'sw1a 1aa', line2: ' ', phone: '' })).toEqual({ ...valid, name: 'Erika', postalCode: 'SW1A 1AA' });
  });
});

describe('registration validation', () => {
  it('when the password is short, equal to the email, or not repeated, then the shopper is told before sending', () => {
    const base = { name: 'A', email: 'a@example.com', password: 'a long walk in the park', confirmPassword: 'a long walk in the park' };
    expect(validateRegistration(base)).toEqual({});
    expect(validateRegistration({ ...base, password: 'short', confirmPassword: 'short' }).password).toBe('Use at least 10 characters.');
    expect(validateRegistration({ ...base, email: 'longer@example.com', password: 'longer@example.com', confirmPassword: 'longer@example.com' }).password).toMatch(/email/);
    expect(validateRegistration({ ...base, confirmPassword: 'something else' }).confirmPassword).toBe('The passwords do not match.');
    expect(validateRegistration({ ...base, email: 'not-an-email' }).email).toMatch(/like name@example.com/);
  });
});

describe('catalog query in the URL', () => {
  it('when a link is shared, then the query round-trips through the URL', () => {
    const query = { q: 'desk lamp', category: 'lighting', brand: 'Lumen & Co', minPrice: 1000, maxPrice: 5000, inStock: true, sort: 'price' as const };
    expect(catalogQueryFromParams(new URLSearchParams(paramsFromCatalogQuery(query).toString()))).toEqual(query);
  });

  it('when a hand-edited link is malformed, then the bad parts are dropped instead of breaking the page', () => {
    expect(catalogQueryFromParams(new URLSearchParams('minPrice=-5&maxPrice=abc&sort=relevance&category=../x&inStock=yes'))).toEqual({});
    expect(catalogQueryFromParams(new URLSearchParams('minPrice=500&maxPrice=100'))).toEqual({ minPrice: 500 });
    expect(catalogQueryFromParams(new URLSearchParams('q=tent&sort=relevance'))).toEqual({ q: 'tent', sort: 'relevance' });
  });
});

describe('small rules', () => {
  it('when stock is low or gone, then the label says so', () => {
    expect(availabilityLabel({ available: 0, inStock: false })).toEqual({ text: 'Sold out', tone: 'out' });
    expect(availabilityLabel({ available: 3, inStock: true })).toEqual({ text: 'Only 3 left', tone: 'low' });
    expect(availabilityLabel({ available: 40, inStock: true })).toEqual({ text: 'In stock', tone: 'ok' });
    expect(cartLineIssueText('insufficient_stock', 2)).toBe('Only 2 left: lower the quantity to check out.');
    expect(cartLineIssueText(null, 2)).toBeUndefined();
  });

  it('when a sign-in link names where to go next, then only paths on this site are followed', () => {
    expect(safeNextPath('/checkout')).toBe('/checkout');
    for (const hostile of ['https://evil.example', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', null]) expect(safeNextPath(hostile)).toBe('/');
  });

  it('when a checkout attempt starts, then its key is 128 random bits the order API accepts, different every time', () => {
    const keys = new Set(Array.from({ length: 100 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('validation messages in the active language', () => {
  it('when the language is de, then the registration and address checks answer in German', () => {
    const de = createTranslator('de');
    expect(validateRegistration({ name: '', email: 'nope', password: 'short', confirmPassword: 'short' }, de)).toEqual({
      name: 'Geben Sie Ihren Namen ein.',
      email: 'Geben Sie eine E-Mail-Adresse wie name@example.com ein.',
      password: expect.stringMatching(/^Verwenden Sie mindestens \d+ Zeichen\.$/),
    });
    const errors = validateShippingAddress({ name: 'Erika', line1: '', city: 'Berlin', postalCode: '10115', country: 'DE' }, de);
    expect(errors).toEqual({ line1: 'Geben Sie Straße und Hausnummer ein.' });
  });

  it('when the language is ja, then the sign-in check answers in Japanese', () => {
    expect(validateSignIn({ email: '', password: '' }, createTranslator('ja'))).toEqual({ email: 'メールアドレスを入力してください。', password: 'パスワードを入力してください。' });
  });
});
