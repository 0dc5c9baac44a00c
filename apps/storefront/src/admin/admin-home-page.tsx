import { lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { AdminProductView, Order, SyncRunView } from '@shop/contracts';
import { describeApiError } from '../api/api-error';
import type { AdminApi } from '../api/admin-api';
import { useApp } from '../app/app-context';
import { formatMoney } from '../lib/money';
import { Alert, PageHeading, Spinner } from '../ui/components';
import { homeChartDays, homeChartRange, LOW_STOCK_THRESHOLD, startOfUtcDay, summariseSales, usageByTier, type TierUsage } from './admin-home';
import { buildReportSeries, seriesTotals, type ReportSeries } from './report-series';
import { formatUtcDateTime } from './utc-days';

// uPlot is a chunk of its own, shared with the reports page.
const RevenueChart = lazy(() => import('./revenue-chart').then((module) => ({ default: module.RevenueChart })));

/** Pages of today's orders read at most (100 each): beyond that the count says "at least". */
const maxTodayPages = 10;
const lowStockListSize = 10;

/** What one panel of the home shows: loading, its data, or why it has none. */
type Panel<T> = { state: 'loading' } | { state: 'loaded'; data: T } | { state: 'failed'; message: string };

/** Loads one panel once per admin API; each panel fails on its own, so one service down leaves the others readable. */
function usePanel<T>(load: (admin: AdminApi) => Promise<T>): Panel<T> {
  const { admin } = useApp();
  const [panel, setPanel] = useState<Panel<T>>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    load(admin).then(
      (data) => current && setPanel({ state: 'loaded', data }),
      (caught: unknown) => current && setPanel({ state: 'failed', message: describeApiError(caught) }),
    );
    return () => {
      current = false;
    };
    // `load` is a module-level function per panel (stable): the admin API is what changes.
  }, [admin, load]);
  return panel;
}

async function loadTodaysOrders(admin: AdminApi): Promise<{ orders: Order[]; complete: boolean }> {
  const orders: Order[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxTodayPages; page += 1) {
    const result = await admin.orders({ from: startOfUtcDay(new Date()), limit: 100, cursor });
    orders.push(...result.items);
    if (!result.nextCursor) return { orders, complete: true };
    cursor = result.nextCursor;
  }
  return { orders, complete: false };
}

async function loadChart(admin: AdminApi): Promise<ReportSeries> {
  const range = homeChartRange(new Date());
  return buildReportSeries(await admin.dailyReports(range.from, range.to), range);
}

const loadLowStock = async (admin: AdminApi): Promise<AdminProductView[]> =>
  (await admin.products({ status: 'active', maxAvailable: LOW_STOCK_THRESHOLD, sort: 'newest', limit: lowStockListSize })).items;
const loadLatestRun = async (admin: AdminApi): Promise<SyncRunView | undefined> => (await admin.syncRuns())[0];
const loadPartnerUsage = async (admin: AdminApi): Promise<TierUsage[]> => usageByTier(await admin.partnerUsage(homeChartDays));

/** The back office's landing page: today's sales, the last 30 days, low stock, the latest sync run, partner usage. */
export function AdminHomePage() {
  const today = usePanel(loadTodaysOrders);
  const chart = usePanel(loadChart);
  const lowStock = usePanel(loadLowStock);
  const latestRun = usePanel(loadLatestRun);
  const partnerUsage = usePanel(loadPartnerUsage);
  return (
    <section className="admin-home">
      <PageHeading>Back office</PageHeading>
      <div className="admin-home-grid">
        <HomePanel title="Today" panel={today} loadingLabel="Loading today’s orders…">
          {(data) => <TodayPanel orders={data.orders} complete={data.complete} />}
        </HomePanel>
        <HomePanel title="Products low on stock" panel={lowStock} loadingLabel="Loading stock…">
          {(products) => <LowStockPanel products={products} />}
        </HomePanel>
        <HomePanel title="Latest supplier sync" panel={latestRun} loadingLabel="Loading sync runs…">
          {(run) => <LatestRunPanel run={run} />}
        </HomePanel>
        {/* The usage is an extra: when auth cannot tell (or no partner called yet) the panel says so, never an error. */}
        <HomePanel title="Partner API usage by tier" panel={partnerUsage.state === 'failed' ? { state: 'loaded', data: [] } : partnerUsage} loadingLabel="Loading partner usage…">
          {(tiers) => <PartnerUsagePanel tiers={tiers} />}
        </HomePanel>
      </div>
      <HomePanel title={`Last ${homeChartDays} days`} panel={chart} loadingLabel="Loading reports…" wide>
        {(series) => <ChartPanel series={series} />}
      </HomePanel>
    </section>
  );
}

function HomePanel<T>({ title, panel, loadingLabel, wide, children }: { title: string; panel: Panel<T>; loadingLabel: string; wide?: boolean; children: (data: T) => ReactNode }) {
  const id = `home-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className={`admin-home-panel${wide ? ' admin-home-panel-wide' : ''}`} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {panel.state === 'loading' ? <Spinner label={loadingLabel} /> : panel.state === 'failed' ? <Alert>{panel.message}</Alert> : children(panel.data)}
    </section>
  );
}

function TodayPanel({ orders, complete }: { orders: Order[]; complete: boolean }) {
  const summary = useMemo(() => summariseSales(orders), [orders]);
  return (
    <dl className="admin-home-figures" data-testid="home-today">
      <div>
        <dt>Orders</dt>
        <dd>
          {complete ? '' : 'at least '}
          {summary.orders}
        </dd>
      </div>
      <div>
        <dt>Revenue</dt>
        {summary.revenue.length === 0 ? <dd>{formatMoney({ amount: 0, currency: 'EUR' })}</dd> : summary.revenue.map((money) => <dd key={money.currency}>{formatMoney(money)}</dd>)}
      </div>
      {summary.notSold > 0 && (
        <div>
          <dt>Not (yet) sales</dt>
          <dd>{summary.notSold}</dd>
        </div>
      )}
      <p className="muted">
        Confirmed, shipped and delivered orders since 00:00 UTC. <Link to="/admin/orders">All orders</Link>
      </p>
    </dl>
  );
}

function ChartPanel({ series }: { series: ReportSeries }) {
  if (!series.reported.some(Boolean)) return <p className="empty">No reports in the last {homeChartDays} days yet. The daily job writes one for each finished UTC day.</p>;
  const currency = series.currencies[0];
  const totals = seriesTotals(series);
  const daysWithSales = series.orders.filter((orders) => orders > 0).length;
  return (
    <>
      <Suspense fallback={<Spinner label="Loading the chart…" />}>
        <RevenueChart series={series} currency={currency} />
      </Suspense>
      <p data-testid="home-chart-summary">
        {daysWithSales} of {series.days.length} days with sales: {totals.orders} orders,{' '}
        {series.currencies.map((code) => formatMoney({ amount: totals.revenue[code] ?? 0, currency: code })).join(', ')}.{' '}
        <Link to="/admin/reports">Open the reports</Link>
      </p>
    </>
  );
}

function LowStockPanel({ products }: { products: AdminProductView[] }) {
  if (products.length === 0) return <p className="empty">No active product has {LOW_STOCK_THRESHOLD} or fewer units available.</p>;
  return (
    <table className="data-table admin-table" data-testid="home-low-stock">
      <caption className="visually-hidden">Active products with {LOW_STOCK_THRESHOLD} or fewer units available</caption>
      <thead>
        <tr>
          <th scope="col">Product</th>
          <th scope="col" className="number">
            Available
          </th>
        </tr>
      </thead>
      <tbody>
        {products.map((product) => (
          <tr key={product.id}>
            <td>
              <Link to={`/admin/products/${product.id}`}>{product.name}</Link> <code>{product.sku}</code>
            </td>
            <td className="number">{product.availability.available}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LatestRunPanel({ run }: { run: SyncRunView | undefined }) {
  if (!run) return <p className="empty">No supplier sync has run yet.</p>;
  return (
    <div data-testid="home-latest-run">
      <p>
        <strong>{run.source}</strong>: <span className={`admin-run-status admin-run-status-${run.status}`}>{run.status}</span>, started {formatUtcDateTime(run.startedAt)}
      </p>
      <p>
        {run.fetched} fetched, {run.created} created, {run.updated} updated, {run.rejectedCount} rejected
      </p>
      {run.rejected.length > 0 && (
        <ul className="admin-home-rejects">
          {run.rejected.slice(0, 5).map((reject, index) => (
            <li key={index}>
              <code>{reject.externalId}</code>: {reject.reason}
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/admin/sync-runs">All sync runs</Link>
      </p>
    </div>
  );
}

function PartnerUsagePanel({ tiers }: { tiers: TierUsage[] }) {
  if (tiers.length === 0) return <p className="empty">No partner API requests in the last {homeChartDays} days.</p>;
  return (
    <table className="data-table admin-table" data-testid="home-partner-usage">
      <caption className="visually-hidden">Partner API requests per tier, last {homeChartDays} days</caption>
      <thead>
        <tr>
          <th scope="col">Tier</th>
          <th scope="col" className="number">
            Requests
          </th>
          <th scope="col" className="number">
            Rejected
          </th>
          <th scope="col" className="number">
            Keys
          </th>
        </tr>
      </thead>
      <tbody>
        {tiers.map((tier) => (
          <tr key={tier.tier}>
            <th scope="row">{tier.tier}</th>
            <td className="number">{tier.requests}</td>
            <td className="number">{tier.rejected}</td>
            <td className="number">{tier.keys}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
