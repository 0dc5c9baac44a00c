import { InvalidCursorError, decodeCursor, encodeCursor, searchFingerprint, type ProductFilters } from './product-search';

const filters: ProductFilters = { q: 'lamp', statuses: ['active'] };
const id = '3f1d3c1e-8a4b-4c62-9d7e-2a5b6c7d8e9f';

describe('search cursors', () => {
  it('when a cursor is decoded for the search it came from, then the position comes back', () => {
    const fingerprint = searchFingerprint(filters, 'price');
    const cursor = encodeCursor({ sort: 'price', price: 1299, id }, fingerprint);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, fingerprint, 'price')).toEqual({ sort: 'price', price: 1299, id });
  });

  it('when the cursor is used with other filters or another sort, then it is refused', () => {
    const cursor = encodeCursor({ sort: 'price', price: 1299, id }, searchFingerprint(filters, 'price'));
    expect(() => decodeCursor(cursor, searchFingerprint({ ...filters, q: 'chair' }, 'price'), 'price')).toThrow(InvalidCursorError);
    expect(() => decodeCursor(cursor, searchFingerprint(filters, '-price'), '-price')).toThrow(InvalidCursorError);
  });

  it.each([
    ['garbage', '!!!not-base64!!!'],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['JSON of the wrong shape', Buffer.from(JSON.stringify({ v: 1, f: 'x', p: { sort: 'price', price: 'DROP TABLE', id } })).toString('base64url')],
    ['an injected id', Buffer.from(JSON.stringify({ v: 1, f: 'x', p: { sort: 'price', price: 1, id: "1' OR 1=1 --" } })).toString('base64url')],
    ['an empty string', ''],
  ])('when the cursor is %s, then InvalidCursorError is thrown', (_what, cursor) => {
    expect(() => decodeCursor(cursor, searchFingerprint(filters, 'price'), 'price')).toThrow(InvalidCursorError);
  });
});
