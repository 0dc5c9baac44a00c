import { hasNoControlCharacters, productListQuerySchema, productPatchSchema } from './catalog';

describe('catalog contract', () => {
  it.each([
    ['plain text', 'Wireless headphones', true],
    ['tab and line breaks', 'line one\n\tline two\r\n', true],
    ['accents and emoji', 'Café 😀', true],
    ['a NUL', 'bad\u0000name', false],
    ['a unit separator', 'a\u001fb', false],
    ['a DEL', 'a\u007fb', false],
    ['a vertical tab', 'a\u000bb', false],
  ])('when text holds %s, then it is accepted: %s', (_what, text, accepted) => {
    expect(hasNoControlCharacters(text)).toBe(accepted);
  });

  it('when a search text holds control characters, then they become spaces, and blank text means no search', () => {
    expect(productListQuerySchema.parse({ q: ' head\u0000phones\t' }).q).toBe('head phones');
    expect(productListQuerySchema.parse({ q: '\u0001 \u0002' }).q).toBeUndefined();
  });

  it('when a merge-patch names some fields, then only those are in it (no defaults filled in) and null stays null', () => {
    expect(productPatchSchema.parse({ name: '  New name ', brand: null, price: { amount: 2500 } })).toEqual({ name: 'New name', brand: null, price: { amount: 2500 } });
    expect(productPatchSchema.safeParse({ version: 9 }).success).toBe(false);
    expect(productPatchSchema.safeParse({ name: null }).success).toBe(false);
    expect(productPatchSchema.safeParse({ price: { amount: 1.5 } }).success).toBe(false);
  });
});
