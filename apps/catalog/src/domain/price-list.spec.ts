import { convertPrice, policyFingerprint, priceListOf } from './price-list';

const rates = { EUR: '1', USD: '1.08', GBP: '0.85', JPY: '162.5', KWD: '0.3321', XAF: '655.957' };

describe('convertPrice', () => {
  it('converts between the minor units of each currency, rounding half up once', () => {
    expect(convertPrice({ amount: 1999, currency: 'EUR' }, 'USD', rates)).toEqual({ amount: 2159, currency: 'USD' }); // 21.5892
    expect(convertPrice({ amount: 1999, currency: 'EUR' }, 'GBP', rates)).toEqual({ amount: 1699, currency: 'GBP' }); // 16.9915
  });

  it('follows ISO 4217 minor units: none for JPY, three for KWD', () => {
    expect(convertPrice({ amount: 1999, currency: 'EUR' }, 'JPY', rates)).toEqual({ amount: 3248, currency: 'JPY' }); // 3248.375
    expect(convertPrice({ amount: 1999, currency: 'EUR' }, 'KWD', rates)).toEqual({ amount: 6639, currency: 'KWD' }); // 6.638679
    expect(convertPrice({ amount: 3248, currency: 'JPY' }, 'EUR', rates)).toEqual({ amount: 1999, currency: 'EUR' }); // 19.987...
  });

  it('is exact where a float is not (half a cent rounds up, not down)', () => {
    // 0.005 EUR per unit at rate 1: 1.005 is 1.00499999... as a float.
    expect(convertPrice({ amount: 1005, currency: 'KWD' }, 'EUR', { KWD: '1', EUR: '1' })).toEqual({ amount: 101, currency: 'EUR' });
  });

  it('gives nothing for a currency without a rate, and the price itself in its own currency', () => {
    expect(convertPrice({ amount: 100, currency: 'EUR' }, 'CHF', rates)).toBeUndefined();
    expect(convertPrice({ amount: 100, currency: 'CHF' }, 'EUR', rates)).toBeUndefined();
    expect(convertPrice({ amount: 100, currency: 'CHF' }, 'CHF', rates)).toEqual({ amount: 100, currency: 'CHF' });
  });
});

describe('priceListOf', () => {
  it('keeps the base and explicit prices and derives the other currencies of the markets', () => {
    const list = priceListOf({ amount: 1999, currency: 'EUR' }, [{ amount: 1999, currency: 'USD' }], { currencies: ['EUR', 'USD', 'GBP', 'JPY', 'CHF'], rates });
    expect(list).toEqual([
      { amount: 1999, currency: 'EUR', derived: false },
      { amount: 1699, currency: 'GBP', derived: true },
      { amount: 3248, currency: 'JPY', derived: true },
      { amount: 1999, currency: 'USD', derived: false },
    ]);
  });

  it('lets the base price win over an explicit price in the same currency', () => {
    expect(priceListOf({ amount: 500, currency: 'EUR' }, [{ amount: 9, currency: 'EUR' }], { currencies: ['EUR'], rates })).toEqual([{ amount: 500, currency: 'EUR', derived: false }]);
  });
});

describe('policyFingerprint', () => {
  it('is the same for the same currencies and rates in any order, and differs when a rate changes', () => {
    const a = policyFingerprint({ currencies: ['EUR', 'JPY'], rates: { EUR: '1', JPY: '162' } });
    expect(policyFingerprint({ currencies: ['JPY', 'EUR', 'JPY'], rates: { JPY: '162', EUR: '1' } })).toBe(a);
    expect(policyFingerprint({ currencies: ['EUR', 'JPY'], rates: { EUR: '1', JPY: '163' } })).not.toBe(a);
  });
});
