import { formatMoney, minorUnitDigits } from '../src/lib/money';

// ICU separates amount and symbol with a no-break space (U+00A0); compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('prices per locale', () => {
  it('when EUR is shown in German, then comma decimals and the symbol after: "12,34 €"', () => {
    expect(plain(formatMoney({ amount: 1234, currency: 'EUR' }, 'de'))).toBe('12,34 €');
    expect(plain(formatMoney({ amount: 129900, currency: 'EUR' }, 'de'))).toBe('1.299,00 €');
  });

  it('when JPY is shown in Japanese, then no decimals (the amount is already in yen)', () => {
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(formatMoney({ amount: 1299, currency: 'JPY' }, 'ja')).toMatch(/^[¥￥]1,299$/);
  });

  it('when USD is shown in English, then "$12.34"', () => {
    expect(formatMoney({ amount: 1234, currency: 'USD' }, 'en')).toBe('$12.34');
  });

  it('when a three-digit currency (KWD, BHD) is shown, then three decimals', () => {
    expect(minorUnitDigits('KWD')).toBe(3);
    expect(plain(formatMoney({ amount: 12345, currency: 'KWD' }, 'en'))).toBe('KWD 12.345');
    expect(plain(formatMoney({ amount: 1500, currency: 'BHD' }, 'de'))).toBe('1,500 BHD');
  });
});
