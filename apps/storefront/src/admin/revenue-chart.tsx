import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMoney, minorUnitDigits } from '../lib/money';
import { revenueChartData, type ReportSeries } from './report-series';
import { formatUtcDay } from './utc-days';

/** Width when the container cannot be measured (no layout yet, or no ResizeObserver). */
const fallbackWidth = 600;
const chartHeight = 320;
// Both colours reach at least 4.5:1 on white; the orders line is also dashed, so colour is not the only difference.
const revenueColour = '#1f4b99';
const ordersColour = '#9a4400';

function chartOptions(currency: string | undefined, width: number): uPlot.Options {
  const compactMoney = currency ? new Intl.NumberFormat(undefined, { style: 'currency', currency, notation: 'compact' }) : undefined;
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
      { label: 'Day', value: (_plot, seconds) => (seconds === null ? '–' : formatUtcDay(new Date(seconds * 1000).toISOString().slice(0, 10))) },
      {
        label: currency ? `Revenue (${currency})` : 'Revenue',
        scale: 'revenue',
        stroke: revenueColour,
        fill: 'rgba(31, 75, 153, 0.1)',
        width: 2,
        points: { show: true },
        value: (_plot, major) => (major === null ? '–' : currency ? formatMoney({ amount: Math.round(major * 10 ** digits), currency }) : String(major)),
      },
      { label: 'Orders', scale: 'orders', stroke: ordersColour, width: 2, dash: [6, 4], points: { show: true }, value: (_plot, count) => (count === null ? '–' : String(count)) },
    ],
    axes: [
      {},
      {
        scale: 'revenue',
        label: currency ? `Revenue (${currency})` : 'Revenue',
        values: (_plot, splits) => splits.map((value) => (compactMoney ? compactMoney.format(value) : String(value))),
        size: 70,
      },
      {
        scale: 'orders',
        side: 1,
        label: 'Orders',
        grid: { show: false },
        values: (_plot, splits) => splits.map((value) => (Number.isInteger(value) ? String(value) : '')),
      },
    ],
  };
}

/**
 * Daily revenue (one currency, in major units) and orders (second axis) over every day of the range, days without a
 * report at 0. The canvas is an image to assistive technology; the page shows the same numbers in a table.
 */
export function RevenueChart({ series, currency }: { series: ReportSeries; currency: string | undefined }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const data = useMemo(() => revenueChartData(series, currency), [series, currency]);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    const measure = () => Math.floor(container.clientWidth) || fallbackWidth;
    let width = measure();
    const plot = new uPlot(chartOptions(currency, width), data, container);
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
  }, [data, currency]);

  const first = series.days[0];
  const last = series.days[series.days.length - 1];
  const period = first && last ? `${formatUtcDay(first)} to ${formatUtcDay(last)}` : '';
  return (
    <figure className="revenue-figure">
      <figcaption>
        Daily revenue{currency ? ` in ${currency}` : ''} (solid line, left axis) and orders (dashed line, right axis), {period}, UTC days. Days without a report
        show 0.
      </figcaption>
      <div ref={containerRef} className="revenue-chart" role="img" aria-label={`Chart of daily revenue${currency ? ` in ${currency}` : ''} and orders, ${period}. The table below lists the same numbers.`} />
    </figure>
  );
}
