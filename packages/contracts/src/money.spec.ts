import { MAX_PRICE_MINOR_UNITS, isIsoCurrencyCode, moneySchema } from './money';

describe('moneySchema', () => {
  it.each([
    [{ amount: 1999, currency: 'EUR' }],
    [{ amount: 0, currency: 'JPY' }],
    [{ amount: MAX_PRICE_MINOR_UNITS, currency: 'USD' }],
  ])('when the money is %j, then it is accepted', (money) => {
    expect(moneySchema.safeParse(money).success).toBe(true);
  });

  it.each([
    ['a fractional amount', { amount: 19.99, currency: 'EUR' }],
    ['a negative amount', { amount: -1, currency: 'EUR' }],
    ['a huge amount', { amount: MAX_PRICE_MINOR_UNITS + 1, currency: 'EUR' }],
    ['an amount as a string', { amount: '1999', currency: 'EUR' }],
    ['a lower-case currency', { amount: 1, currency: 'eur' }],
    ['an unknown currency', { amount: 1, currency: 'ABC' }],
    ['a missing currency', { amount: 1 }],
    ['an extra member', { amount: 1, currency: 'EUR', cents: 3 }],
  ])('when the money has %s, then it is rejected', (_what, money) => {
    expect(moneySchema.safeParse(money).success).toBe(false);
  });

  it('when a code is well-formed but not ISO 4217, then it is not a currency', () => {
    expect(isIsoCurrencyCode('EUR')).toBe(true);
    expect(isIsoCurrencyCode('QQQ')).toBe(false);
  });
});
