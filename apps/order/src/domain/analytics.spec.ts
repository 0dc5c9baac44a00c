import { normaliseSearchQuery, utcDayOf } from './analytics';

describe('analytics normalisation', () => {
  it('when a query has case and spaces, then it is counted lower-cased, trimmed and collapsed; blank is empty', () => {
    expect(normaliseSearchQuery('  Desk   LAMP ')).toBe('desk lamp');
    expect(normaliseSearchQuery('   ')).toBe('');
    expect(normaliseSearchQuery(undefined)).toBe('');
  });

  it('when an instant is late in the evening west of UTC, then its day is the UTC day', () => {
    expect(utcDayOf(new Date('2025-03-01T23:30:00-05:00'))).toBe('2025-03-02');
  });
});
