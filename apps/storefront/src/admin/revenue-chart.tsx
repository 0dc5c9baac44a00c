import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMoney, minorUnitDigits } from '../lib/money';
import { revenueChartData, type ReportSeries } from './report-series';
import { formatUtcDay } from './utc-days';
import { useI18n } from '../i18n/i18n-context';
import type { Translate } from '../i18n/translator';
import './admin-messages';

/** Width when the container cannot be measured (no layout yet, or no ResizeObserver). */
const fallbackWidth = 600;
const chartHeight = 320;
// Both colours reach at least 4.5:1 on white; the orders line is also dashed, so colour is not the only difference.
const revenueColour = '#1f4b99';
const ordersColour = '#9a4400';

function chartOptions(currency: string | undefined, width: number, locale: string, t: Translate): uPlot.Options {
  const compactMoney = currency ? new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact' }) : undefined;
  const numbers = new Intl.NumberFormat(locale);
  const revenueLabel = currency ? t('admin.revenueIn', { currency }) : t('admin.revenue');
  const digits = currency ? minorUnitDigits(currency) : 0;
  return {
    width,
    height: chartHeight,
    // Days are UTC days: label them in UTC, whatever the admin's time zone.
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    scales: {
      x: { time: true },
      revenue: { range: (_plot, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      orders: { range: (_plot, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
    },
    series: [
      { label: t('admin.chartDay'), value: (_plot, seconds) => (seconds === null ? '–' : formatUtcDay(new Date(seconds * 1000).toISOString().slice(0, 10), locale)) },
      {
        label: revenueLabel,
        scale: 'revenue',
        stroke: revenueColour,
        fill: 'rgba(31, 75, 153, 0.1)',
        width: 2,
        points: { show: true },
        value: (_plot, major) => (major === null ? '–' : currency ? formatMoney({ amount: Math.round(major * 10 ** digits), currency }, locale) : numbers.format(major)),
      },
      { label: t('admin.orders'), scale: 'orders', stroke: ordersColour, width: 2, dash: [6, 4], points: { show: true }, value: (_plot, count) => (count === null ? '–' : numbers.format(count)) },
    ],
    axes: [
      {},
      {
        scale: 'revenue',
        label: revenueLabel,
        values: (_plot, splits) => splits.map((value) => (compactMoney ? compactMoney.format(value) : numbers.format(value))),
        size: 70,
      },
      {
        scale: 'orders',
        side: 1,
        label: t('admin.orders'),
        grid: { show: false },
        values: (_plot, splits) => splits.map((value) => (Number.isInteger(value) ? numbers.format(value) : '')),
      },
    ],
  };
}

/**
 * Daily revenue (one currency, in major units) and orders (second axis) over every day of the range, days without a
 * report at 0. The canvas is an image to assistive technology; the page shows the same numbers in a table.
 */
export function RevenueChart({ series, currency }: { series: ReportSeries; currency: string | undefined }) {
  const { t, locale } = useI18n();
  const containerRef = useRef<HTMLDivElement>(null);
  const data = useMemo(() => revenueChartData(series, currency), [series, currency]);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    const measure = () => Math.floor(container.clientWidth) || fallbackWidth;
    let width = measure();
    const plot = new uPlot(chartOptions(currency, width, locale, t), data, container);
    let observer: ResizeObserver | undefined;
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(() => {
        const next = measure();
        if (next === width) return;
        width = next;
        plot.setSize({ width, height: chartHeight });
      });
      observer.observe(container);
    }
    return () => {
      observer?.disconnect();
      plot.destroy();
    };
  }, [data, currency, locale, t]);

  const first = series.days[0];
  const last = series.days[series.days.length - 1];
  const period = first && last ? t('admin.period', { from: formatUtcDay(first, locale), to: formatUtcDay(last, locale) }) : '';
  return (
    <figure className="revenue-figure">
      <figcaption>
        {currency ? t('admin.chartCaptionIn', { currency, period }) : t('admin.chartCaption', { period })}
      </figcaption>
      <div ref={containerRef} className="revenue-chart" role="img" aria-label={currency ? t('admin.chartLabelIn', { currency, period }) : t('admin.chartLabel', { period })} />
    </figure>
  );
}
