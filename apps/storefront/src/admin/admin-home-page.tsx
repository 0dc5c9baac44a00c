import { lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { AdminProductView, Order, SyncRunView } from '@shop/contracts';
import { describeApiError } from '../api/api-error';
import type { AdminApi } from '../api/admin-api';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { Alert, PageHeading, Spinner } from '../ui/components';
import { homeChartDays, homeChartRange, LOW_STOCK_THRESHOLD, startOfUtcDay, summariseSales, usageByTier, type TierUsage } from './admin-home';
import { buildReportSeries, seriesTotals, type ReportSeries } from './report-series';
import { formatUtcDateTime } from './utc-days';
import type { MessageKey } from '../i18n/catalogues';
import { withElements } from '../i18n/message-elements';
import './admin-messages';

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
  const { t } = useI18n();
  const [panel, setPanel] = useState<Panel<T>>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    load(admin).then(
      (data) => current && setPanel({ state: 'loaded', data }),
      (caught: unknown) => current && setPanel({ state: 'failed', message: describeApiError(caught, t) }),
    );
    return () => {
      current = false;
    };
    // `load` is a module-level function per panel (stable): the admin API is what changes.
  }, [admin, load, t]);
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
  const { t } = useI18n();
  return (
    <section className="admin-home">
      <PageHeading>{t('admin.backOffice')}</PageHeading>
      <div className="admin-home-grid">
        <HomePanel id="home-today-heading" title={t('admin.today')} panel={today} loadingLabel={t('admin.loadingToday')}>
          {(data) => <TodayPanel orders={data.orders} complete={data.complete} />}
        </HomePanel>
        <HomePanel id="home-low-stock-heading" title={t('admin.lowStockTitle')} panel={lowStock} loadingLabel={t('admin.loadingStock')}>
          {(products) => <LowStockPanel products={products} />}
        </HomePanel>
        <HomePanel id="home-latest-sync-heading" title={t('admin.latestSync')} panel={latestRun} loadingLabel={t('admin.loadingSyncRuns')}>
          {(run) => <LatestRunPanel run={run} />}
        </HomePanel>
        {/* The usage is an extra: when auth cannot tell (or no partner called yet) the panel says so, never an error. */}
        <HomePanel
          id="home-partner-usage-heading"
          title={t('admin.partnerUsageTitle')}
          panel={partnerUsage.state === 'failed' ? { state: 'loaded', data: [] } : partnerUsage}
          loadingLabel={t('admin.loadingPartnerUsage')}
        >
          {(tiers) => <PartnerUsagePanel tiers={tiers} />}
        </HomePanel>
      </div>
      <HomePanel id="home-chart-heading" title={t('admin.lastDays', { count: homeChartDays })} panel={chart} loadingLabel={t('admin.loadingReports')} wide>
        {(series) => <ChartPanel series={series} />}
      </HomePanel>
    </section>
  );
}

// The heading's id is fixed, not made from its title: a title in Japanese has no letters a-z to make one of.
function HomePanel<T>({ id, title, panel, loadingLabel, wide, children }: { id: string; title: string; panel: Panel<T>; loadingLabel: string; wide?: boolean; children: (data: T) => ReactNode }) {
  return (
    <section className={`admin-home-panel${wide ? ' admin-home-panel-wide' : ''}`} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {panel.state === 'loading' ? <Spinner label={loadingLabel} /> : panel.state === 'failed' ? <Alert>{panel.message}</Alert> : children(panel.data)}
    </section>
  );
}

function TodayPanel({ orders, complete }: { orders: Order[]; complete: boolean }) {
  const { t, formatPrice, formatNumber } = useI18n();
  const summary = useMemo(() => summariseSales(orders), [orders]);
  return (
    <dl className="admin-home-figures" data-testid="home-today">
      <div>
        <dt>{t('admin.orders')}</dt>
        <dd>{complete ? formatNumber(summary.orders) : t('admin.atLeast', { count: summary.orders })}</dd>
      </div>
      <div>
        <dt>{t('admin.revenue')}</dt>
        {summary.revenue.length === 0 ? <dd>{formatPrice({ amount: 0, currency: 'EUR' })}</dd> : summary.revenue.map((money) => <dd key={money.currency}>{formatPrice(money)}</dd>)}
      </div>
      {summary.notSold > 0 && (
        <div>
          <dt>{t('admin.notYetSales')}</dt>
          <dd>{formatNumber(summary.notSold)}</dd>
        </div>
      )}
      <p className="muted">
        {t('admin.todayExplained')} <Link to="/admin/orders">{t('admin.allOrders')}</Link>
      </p>
    </dl>
  );
}

function ChartPanel({ series }: { series: ReportSeries }) {
  const { t, formatPrice } = useI18n();
  if (!series.reported.some(Boolean)) return <p className="empty">{t('admin.noReportsLastDays', { count: homeChartDays })}</p>;
  const currency = series.currencies[0];
  const totals = seriesTotals(series);
  const daysWithSales = series.orders.filter((orders) => orders > 0).length;
  return (
    <>
      <Suspense fallback={<Spinner label={t('admin.loadingChart')} />}>
        <RevenueChart series={series} currency={currency} />
      </Suspense>
      <p data-testid="home-chart-summary">
        {t('admin.chartSummary', {
          withSales: daysWithSales,
          days: series.days.length,
          orders: totals.orders,
          revenue: series.currencies.map((code) => formatPrice({ amount: totals.revenue[code] ?? 0, currency: code })).join(', '),
        })}{' '}
        <Link to="/admin/reports">{t('admin.openReports')}</Link>
      </p>
    </>
  );
}

function LowStockPanel({ products }: { products: AdminProductView[] }) {
  const { t, formatNumber } = useI18n();
  if (products.length === 0) return <p className="empty">{t('admin.noLowStock', { threshold: LOW_STOCK_THRESHOLD })}</p>;
  return (
    <table className="data-table admin-table" data-testid="home-low-stock">
      <caption className="visually-hidden">{t('admin.lowStockCaption', { threshold: LOW_STOCK_THRESHOLD })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('admin.product')}</th>
          <th scope="col" className="number">
            {t('admin.available')}
          </th>
        </tr>
      </thead>
      <tbody>
        {products.map((product) => (
          <tr key={product.id}>
            <td>
              <Link to={`/admin/products/${product.id}`}>{product.name}</Link> <code>{product.sku}</code>
            </td>
            <td className="number">{formatNumber(product.availability.available)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const runStatusKeys: Record<SyncRunView['status'], MessageKey> = { running: 'admin.runRunning', succeeded: 'admin.runSucceeded', partial: 'admin.runPartial', failed: 'admin.runFailed' };

function LatestRunPanel({ run }: { run: SyncRunView | undefined }) {
  const { t, locale } = useI18n();
  if (!run) return <p className="empty">{t('admin.noSyncYet')}</p>;
  const status = run.status in runStatusKeys ? t(runStatusKeys[run.status]) : run.status;
  return (
    <div data-testid="home-latest-run">
      <p>
        <strong>{run.source}</strong>:{' '}
        {withElements(t('admin.runStarted'), {
          status: <span className={`admin-run-status admin-run-status-${run.status}`}>{status}</span>,
          date: formatUtcDateTime(run.startedAt, locale),
        })}
      </p>
      <p>
        {t('admin.runCounts', { fetched: run.fetched, created: run.created, updated: run.updated, rejected: run.rejectedCount })}
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
        <Link to="/admin/sync-runs">{t('admin.allSyncRuns')}</Link>
      </p>
    </div>
  );
}

function PartnerUsagePanel({ tiers }: { tiers: TierUsage[] }) {
  const { t, formatNumber } = useI18n();
  if (tiers.length === 0) return <p className="empty">{t('admin.noPartnerRequests', { count: homeChartDays })}</p>;
  return (
    <table className="data-table admin-table" data-testid="home-partner-usage">
      <caption className="visually-hidden">{t('admin.partnerUsageCaption', { count: homeChartDays })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('admin.tier')}</th>
          <th scope="col" className="number">
            {t('admin.requests')}
          </th>
          <th scope="col" className="number">
            {t('admin.countRejected')}
          </th>
          <th scope="col" className="number">
            {t('admin.keys')}
          </th>
        </tr>
      </thead>
      <tbody>
        {tiers.map((tier) => (
          <tr key={tier.tier}>
            <th scope="row">{tier.tier}</th>
            <td className="number">{formatNumber(tier.requests)}</td>
            <td className="number">{formatNumber(tier.rejected)}</td>
            <td className="number">{formatNumber(tier.keys)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
