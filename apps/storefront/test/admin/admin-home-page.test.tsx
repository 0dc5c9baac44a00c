/** @jest-environment jsdom */
import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import AdminApp from '../../src/admin/admin-app';
import { homeChartRange, startOfUtcDay } from '../../src/admin/admin-home';
import type { ReportSeries } from '../../src/admin/report-series';
import type { AdminProductView, DailyReport, Order, SyncRunView } from '@shop/contracts';
import { formatMoney } from '../../src/lib/money';
import { FakeBackend, renderWithApp } from '../app-harness';

// uPlot draws on a canvas jsdom does not have; what the chart is given is what matters here.
const mockChartProps: Array<{ series: ReportSeries; currency: string | undefined }> = [];
jest.mock('../../src/admin/revenue-chart', () => ({
  RevenueChart: (props: { series: ReportSeries; currency: string | undefined }) => {
    mockChartProps.push(props);
    return jest.requireActual<typeof import('react')>('react').createElement('figure', { 'data-testid': 'revenue-chart' });
  },
}));

const range = homeChartRange(new Date());
const reportsPath = `/api/orders/reports/daily?${new URLSearchParams({ from: range.from, to: range.to })}`;
const todayPath = `/api/orders/admin/orders?${new URLSearchParams({ limit: '100', from: startOfUtcDay(new Date()) })}`;
const lowStockPath = '/api/catalog/admin/products?limit=10&status=active&maxAvailable=5&sort=newest';
const runsPath = '/api/catalog/sync-runs?limit=50';
const usagePath = '/api/admin/partner-usage?days=30';

function report(date: string, orders: number, amount: number): DailyReport {
  return { date, generatedAt: `${date}T23:59:00Z`, orders, revenue: [{ amount, currency: 'EUR' }], byCategory: [], topProducts: [], topViewed: [], topSearches: [] };
}

function order(id: number, status: Order['status'], amount: number): Order {
  return { id: `00000000-0000-4000-8000-00000000000${id}`, status, total: { amount, currency: 'EUR' } } as Order;
}

const lowProduct = { id: '00000000-0000-4000-8000-000000000001', sku: 'LAMP-1', name: 'Desk Lamp', availability: { available: 2, inStock: true } } as AdminProductView;
const run = {
  runId: '00000000-0000-4000-8000-000000000009',
  source: 'acme',
  trigger: 'schedule',
  status: 'partial',
  startedAt: '2030-01-01T10:00:00Z',
  finishedAt: '2030-01-01T10:01:00Z',
  fetched: 10,
  created: 2,
  updated: 3,
  unchanged: 4,
  archived: 0,
  rejectedCount: 1,
  rejected: [{ externalId: 'acme-77', reason: 'price is missing' }],
  errors: [],
} as unknown as SyncRunView;

function openHome(backend: FakeBackend) {
  renderWithApp(
    <Routes>
      <Route path="/admin/*" element={<AdminApp />} />
    </Routes>,
    { path: '/admin', backend },
  );
}

const panel = (name: string) => screen.getByRole('region', { name });

beforeEach(() => {
  mockChartProps.length = 0;
});

describe('AdminHomePage', () => {
  it('when an admin opens /admin, then today’s sales, the 30-day chart, low stock, the latest sync run with its rejects and partner usage show', async () => {
    const backend = new FakeBackend()
      .on('GET', todayPath, { status: 200, body: { items: [order(1, 'confirmed', 1999), order(2, 'shipped', 1000), order(3, 'payment_failed', 500)], nextCursor: null } })
      .on('GET', reportsPath, { status: 200, body: { items: [report(range.from, 4, 5000), report(range.to, 7, 12000)] } })
      .on('GET', lowStockPath, { status: 200, body: { items: [lowProduct], nextCursor: null } })
      .on('GET', runsPath, { status: 200, body: { items: [run] } })
      .on('GET', usagePath, { status: 200, body: { days: [{ day: range.to, tiers: [{ tier: 'premium', keys: 1, requests: 420, rejected: 3 }] }] } });
    openHome(backend);
    expect(await screen.findByRole('heading', { level: 1, name: 'Back office' })).toBeTruthy();

    const today = await screen.findByTestId('home-today');
    expect(within(today).getByText('Orders').nextElementSibling?.textContent).toBe('2');
    expect(today.textContent).toContain(formatMoney({ amount: 2999, currency: 'EUR' }));

    expect(await screen.findByTestId('revenue-chart')).toBeTruthy();
    const series = mockChartProps.at(-1)!.series;
    expect(series.days).toHaveLength(30);
    expect([series.days[0], series.days[29]]).toEqual([range.from, range.to]);
    expect(series.orders.filter((count) => count > 0)).toEqual([4, 7]);
    expect(screen.getByTestId('home-chart-summary').textContent).toContain(`2 of 30 days with sales: 11 orders, ${formatMoney({ amount: 17000, currency: 'EUR' })}.`);

    const lowStock = await screen.findByTestId('home-low-stock');
    expect(within(lowStock).getByRole('link', { name: 'Desk Lamp' }).getAttribute('href')).toBe(`/admin/products/${lowProduct.id}`);
    expect(within(lowStock).getAllByRole('row')[1].textContent).toContain('2');

    const latestRun = await screen.findByTestId('home-latest-run');
    expect(latestRun.textContent).toContain('acme');
    expect(latestRun.textContent).toContain('1 rejected');
    expect(latestRun.textContent).toContain('acme-77: price is missing');

    const usage = await screen.findByTestId('home-partner-usage');
    expect(within(usage).getByRole('row', { name: /premium/ }).textContent).toBe('premium42031');
  });

  it('when there are no reports, the partner usage fails and nothing is low, then each panel says so and the others still show', async () => {
    const backend = new FakeBackend()
      .on('GET', todayPath, { status: 200, body: { items: [], nextCursor: null } })
      .on('GET', reportsPath, { status: 200, body: { items: [] } })
      .on('GET', lowStockPath, { status: 200, body: { items: [], nextCursor: null } })
      .on('GET', runsPath, { status: 503, body: { status: 503, title: 'Service unavailable', detail: 'catalog is down' } })
      .on('GET', usagePath, { status: 500, body: { status: 500, title: 'Internal error' } });
    openHome(backend);
    expect(await screen.findByText('No reports in the last 30 days yet. The daily job writes one for each finished UTC day.')).toBeTruthy();
    expect(await screen.findByText('No partner API requests in the last 30 days.')).toBeTruthy();
    expect(await screen.findByText('No active product has 5 or fewer units available.')).toBeTruthy();
    expect(await within(panel('Latest supplier sync')).findByRole('alert')).toBeTruthy();
    expect(within(panel('Today')).getByText('Orders').nextElementSibling?.textContent).toBe('0');
    expect(screen.queryByTestId('revenue-chart')).toBeNull();
  });
});
