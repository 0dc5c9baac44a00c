import { orderFiltersFromParams, orderSearchFromFilters, paramsFromOrderFilters, paramsFromProductFilters, productFiltersFromParams } from '../../src/admin/list-filters';

describe('product filters in the URL', () => {
  it('when the URL has a search and a status, then they round-trip; unknown statuses are dropped', () => {
    const filters = productFiltersFromParams(new URLSearchParams('q=%20desk%20lamp%20&status=draft'));
    expect(filters).toEqual({ q: 'desk lamp', status: 'draft' });
    expect(paramsFromProductFilters(filters).toString()).toBe('q=desk+lamp&status=draft');
    expect(productFiltersFromParams(new URLSearchParams('status=deleted'))).toEqual({ q: '', status: '' });
    expect(paramsFromProductFilters({ q: ' ', status: '' }).toString()).toBe('');
  });
});

describe('order filters', () => {
  it('when the URL has malformed days or statuses, then they are dropped', () => {
    expect(orderFiltersFromParams(new URLSearchParams('status=lost&from=2026-02-30&to=yesterday'))).toEqual({ status: '', from: '', to: '' });
    const filters = orderFiltersFromParams(new URLSearchParams('status=confirmed&from=2026-03-01&to=2026-03-31'));
    expect(filters).toEqual({ status: 'confirmed', from: '2026-03-01', to: '2026-03-31' });
    expect(paramsFromOrderFilters(filters).toString()).toBe('status=confirmed&from=2026-03-01&to=2026-03-31');
  });

  it('when days are chosen, then the search starts at From’s 00:00 UTC and ends before the day after To (the API’s to is exclusive)', () => {
    expect(orderSearchFromFilters({ status: 'shipped', from: '2026-03-01', to: '2026-03-31' })).toEqual({
      search: { status: 'shipped', from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' },
      errors: {},
    });
    expect(orderSearchFromFilters({ status: '', from: '2026-03-05', to: '2026-03-05' }).search).toEqual({ from: '2026-03-05T00:00:00Z', to: '2026-03-06T00:00:00Z' });
    expect(orderSearchFromFilters({ status: '', from: '', to: '' })).toEqual({ search: {}, errors: {} });
  });

  it('when To is before From, then there is no search and To says why', () => {
    expect(orderSearchFromFilters({ status: '', from: '2026-03-05', to: '2026-03-04' })).toEqual({ errors: { to: 'Choose a day on or after the From day.' } });
  });
});
