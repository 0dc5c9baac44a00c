import { canonicalJson, contentHash } from './content-hash';

describe('contentHash', () => {
  it('when two objects differ only in key order, then their hashes are equal', () => {
    expect(contentHash({ a: 1, b: { d: [1, 2], c: 'x' } })).toBe(contentHash({ b: { c: 'x', d: [1, 2] }, a: 1 }));
  });
  it('when a nested value changes, then the hash changes', () => {
    expect(contentHash({ a: { b: 1 } })).not.toBe(contentHash({ a: { b: 2 } }));
  });
  it('when arrays are reordered, then the hash changes (order is content)', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });
});
