import { isCalendarDate, OrderStatuses, productStatuses, type OrderStatus, type ProductStatus } from '@shop/contracts';
import type { FieldErrors } from '../lib/validation';
import { addUtcDays } from './utc-days';
import { createTranslator, type Translate } from '../i18n/translator';
import './admin-messages';

// The filters of the admin lists live in the page URL (shareable, and back/forward work); anything malformed in a
// hand-edited link is dropped rather than sent, since the APIs would answer 400.

/** The product list's filters: a search text and a status ('' = every status). */
export interface ProductFilters {
  q: string;
  status: ProductStatus | '';
}

/** The product filters a page URL asks for. */
export function productFiltersFromParams(params: URLSearchParams): ProductFilters {
  const status = params.get('status') ?? '';
  return {
    q: (params.get('q') ?? '').trim().slice(0, 200),
    status: (productStatuses as readonly string[]).includes(status) ? (status as ProductStatus) : '',
  };
}

/** The URL parameters of product filters, leaving out what is unset. */
export function paramsFromProductFilters(filters: ProductFilters): URLSearchParams {
  return compactParams({ q: filters.q.trim(), status: filters.status });
}

/** The order list's filters: a status ('' = every status) and UTC days YYYY-MM-DD ('' = open-ended). */
export interface OrderFilters {
  status: OrderStatus | '';
  from: string;
  to: string;
}

/** The order filters a page URL asks for. */
export function orderFiltersFromParams(params: URLSearchParams): OrderFilters {
  const status = params.get('status') ?? '';
  const day = (key: string) => {
    const value = params.get(key) ?? '';
    return isCalendarDate(value) ? value : '';
  };
  return { status: (OrderStatuses as readonly string[]).includes(status) ? (status as OrderStatus) : '', from: day('from'), to: day('to') };
}

/** The URL parameters of order filters, leaving out what is unset. */
export function paramsFromOrderFilters(filters: OrderFilters): URLSearchParams {
  return compactParams({ status: filters.status, from: filters.from, to: filters.to });
}

/** The admin order search (`GET /api/orders/admin/orders`) of the filters. */
export interface OrderSearch {
  status?: OrderStatus;
  /** First instant included (ISO 8601, UTC). */
  from?: string;
  /** First instant excluded (ISO 8601, UTC). */
  to?: string;
}

/**
 * Turns the filter days into the search's instants: `from` is the start of its UTC day; the API's `to` is exclusive
 * (`createdAt < to`), so the To day is included whole by sending the start of the next day (an end of day of
 * `T23:59:59Z` would leave out orders placed in its last second).
 */
export function orderSearchFromFilters(filters: OrderFilters, t: Translate = createTranslator('en')): { search?: OrderSearch; errors: FieldErrors } {
  if (filters.from && filters.to && filters.to < filters.from) return { errors: { to: t('admin.toBeforeFrom') } };
  const search: OrderSearch = {};
  if (filters.status) search.status = filters.status;
  if (filters.from) search.from = `${filters.from}T00:00:00Z`;
  if (filters.to) search.to = `${addUtcDays(filters.to, 1)}T00:00:00Z`;
  return { search, errors: {} };
}

function compactParams(values: Record<string, string>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  return params;
}
