import { ifNoneMatchHits, productEntityTag, versionsInIfMatch } from './entity-tag';

describe('productEntityTag', () => {
  it('when the body changes but the version does not, then the tag changes and keeps the version', () => {
    const before = productEntityTag(3, '{"available":2}');
    const after = productEntityTag(3, '{"available":1}');
    expect(before).not.toBe(after);
    expect(versionsInIfMatch(before)).toEqual([3]);
    expect(versionsInIfMatch(after)).toEqual([3]);
  });
});

describe('versionsInIfMatch', () => {
  it('when the header lists several tags, weak ones included, then every version is returned', () => {
    expect(versionsInIfMatch('"v1-abc", W/"v7-x_y-z"')).toEqual([1, 7]);
  });
  it.each(['*', '"abc"', 'v2-abc', '""', '"v-1-x"'])('when the header is %s, then no version is named', (header) => {
    expect(versionsInIfMatch(header)).toEqual([]);
  });
});

describe('ifNoneMatchHits', () => {
  const etag = productEntityTag(2, 'body');
  it('when the header carries the tag (even weak, in a list), then it hits', () => {
    expect(ifNoneMatchHits(etag, etag)).toBe(true);
    expect(ifNoneMatchHits(`"other", W/${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits('*', etag)).toBe(true);
  });
  it('when the header is absent or names another tag, then it misses', () => {
    expect(ifNoneMatchHits(undefined, etag)).toBe(false);
    expect(ifNoneMatchHits(productEntityTag(2, 'other body'), etag)).toBe(false);
  });
});
