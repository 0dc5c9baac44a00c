import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { describeApiError } from '../api/api-error';
import { MAX_REPORT_RANGE_DAYS, type DailyReport } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { Alert, Field, PageHeading, SelectField, Spinner } from '../ui/components';
import { buildReportSeries, defaultReportRange, seriesTotals, validateReportRange, type DayRange, type ReportSeries } from './report-series';
import { formatUtcDay } from './utc-days';
import './admin-messages';

// uPlot is a chunk of its own: only this page needs it, and the table below carries the same numbers meanwhile.
const RevenueChart = lazy(() => import('./revenue-chart').then((module) => ({ default: module.RevenueChart })));

/** Daily sales reports over a range of UTC days (in the URL; default the last 14 finished days): chart and table. */
export function ReportsPage() {
  const { admin } = useApp();
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const fallback = useMemo(() => defaultReportRange(new Date()), []);
  const from = params.get('from') ?? fallback.from;
  const to = params.get('to') ?? fallback.to;
  const errors = validateReportRange({ from, to }, t);
  const valid = Object.keys(errors).length === 0;
  // The reports together with the range they answer, so the chart never mixes a new range with old data.
  const [result, setResult] = useState<{ range: DayRange; reports: DailyReport[] }>();
  const [error, setError] = useState<string>();
  const [chosenCurrency, setChosenCurrency] = useState<string>();

  useEffect(() => {
    if (!valid) return undefined;
    let current = true;
    setResult(undefined);
    setError(undefined);
    admin.dailyReports(from, to).then(
      (reports) => current && setResult({ range: { from, to }, reports }),
      (caught: unknown) => current && setError(describeApiError(caught, t)),
    );
    return () => {
      current = false;
    };
  }, [admin, from, to, valid]);

  const series = useMemo(() => result && buildReportSeries(result.reports, result.range), [result]);
  const currency = series && (chosenCurrency && series.currencies.includes(chosenCurrency) ? chosenCurrency : series.currencies[0]);

  const update = (changes: Partial<DayRange>) => setParams(new URLSearchParams({ from, to, ...changes }), { replace: true });

  return (
    <section>
      <PageHeading>{t('admin.reports')}</PageHeading>
      <form className="admin-filters" onSubmit={(event) => event.preventDefault()} aria-label={t('admin.reportRange')}>
        <Field label={t('admin.from')} type="date" value={from} error={errors.from} hint={t('admin.utcDayIncluded')} onChange={(event) => update({ from: event.target.value })} />
        <Field label={t('admin.to')} type="date" value={to} error={errors.to} hint={t('admin.rangeHint', { max: MAX_REPORT_RANGE_DAYS })} onChange={(event) => update({ to: event.target.value })} />
        {series && series.currencies.length > 1 && (
          <SelectField label={t('admin.chartCurrency')} value={currency} onChange={(event) => setChosenCurrency(event.target.value)}>
            {series.currencies.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </SelectField>
        )}
      </form>
      {error && <Alert>{error}</Alert>}
      {!valid ? null : !result || !series ? (
        !error && <Spinner label={t('admin.loadingReports')} />
      ) : result.reports.length === 0 ? (
        <p className="empty">{t('admin.noReports')}</p>
      ) : (
        <>
          <Suspense fallback={<Spinner label={t('admin.loadingChart')} />}>
            <RevenueChart series={series} currency={currency} />
          </Suspense>
          <ReportTable series={series} />
        </>
      )}
    </section>
  );
}

function ReportTable({ series }: { series: ReportSeries }) {
  const { t, locale, formatPrice, formatNumber } = useI18n();
  const totals = seriesTotals(series);
  return (
    <div className="table-scroll">
      <table className="data-table admin-table">
        <caption>{t('admin.reportCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('admin.date')}</th>
            <th scope="col" className="number">
              {t('admin.orders')}
            </th>
            {series.currencies.map((currency) => (
              <th key={currency} scope="col" className="number">
                {t('admin.revenueIn', { currency })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {series.days.map((day, index) => (
            <tr key={day}>
              <th scope="row">
                <time dateTime={day}>{formatUtcDay(day, locale)}</time>
              </th>
              {series.reported[index] ? (
                <>
                  <td className="number">{formatNumber(series.orders[index] ?? 0)}</td>
                  {series.currencies.map((currency) => (
                    <td key={currency} className="number">
                      {formatPrice({ amount: series.revenue[currency]?.[index] ?? 0, currency })}
                    </td>
                  ))}
                </>
              ) : (
                <td colSpan={1 + series.currencies.length} className="muted">
                  {t('admin.noReport')}
                </td>
              )}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('admin.total')}</th>
            <td className="number">{formatNumber(totals.orders)}</td>
            {series.currencies.map((currency) => (
              <td key={currency} className="number">
                {formatPrice({ amount: totals.revenue[currency] ?? 0, currency })}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
