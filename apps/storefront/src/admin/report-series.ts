import { daysInRange, isCalendarDate, MAX_REPORT_RANGE_DAYS, type DailyReport } from '@shop/contracts';
import { createTranslator, type Translate } from '../i18n/translator';
import type { FieldErrors } from '../lib/validation';
import './admin-messages';
import { minorUnitDigits } from '../lib/money';
import { addUtcDays, utcDayOf, utcDayStart, utcDaysOfRange } from './utc-days';

/** Days the reports page shows until the admin picks a range. */
export const defaultReportRangeDays = 14;

/** A range of UTC days, both included. */
export interface DayRange {
  from: string;
  to: string;
}

/** The daily reports of a range laid out one entry per day, for the chart and the table. */
export interface ReportSeries {
  /** Every day of the range, oldest first. */
  days: string[];
  /** Whether the daily job wrote a report for the day (false: the chart shows 0, the table says so). */
  reported: boolean[];
  /** Orders per day (0 without a report). */
  orders: number[];
  /** Every currency sold in the range, alphabetical. */
  currencies: string[];
  /** Revenue per currency and day in integer minor units (0 without a report or without sales in that currency). */
  revenue: Record<string, number[]>;
}

/**
 * Lays the reports of `range` out on every day of it. Amounts stay integer minor units per currency (they are never
 * added across currencies); reports outside the range are ignored.
 */
export function buildReportSeries(reports: readonly DailyReport[], range: DayRange): ReportSeries {
  const days = utcDaysOfRange(range.from, range.to);
  const indexOfDay = new Map(days.map((day, index) => [day, index]));
  const inRange = reports.filter((report) => indexOfDay.has(report.date));
  const currencies = [...new Set(inRange.flatMap((report) => report.revenue.map((money) => money.currency)))].sort();
  const revenue: Record<string, number[]> = Object.fromEntries(currencies.map((currency) => [currency, days.map(() => 0)]));
  const orders = days.map(() => 0);
  const reported = days.map(() => false);
  for (const report of inRange) {
    const index = indexOfDay.get(report.date)!;
    reported[index] = true;
    // One report per day (the service stores one): it is the day's total, not a part of it.
    orders[index] = report.orders;
    for (const money of report.revenue) revenue[money.currency][index] = money.amount;
  }
  return { days, reported, orders, currencies, revenue };
}

/** Totals of a series: orders and revenue per currency (minor units). */
export function seriesTotals(series: ReportSeries): { orders: number; revenue: Record<string, number> } {
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return {
    orders: sum(series.orders),
    revenue: Object.fromEntries(series.currencies.map((currency) => [currency, sum(series.revenue[currency] ?? [])])),
  };
}

/** Integer minor units as major units of the currency, for plotting only (1299 EUR → 12.99, 1299 JPY → 1299). */
export function toMajorUnits(amounts: readonly number[], currency: string): number[] {
  const divisor = 10 ** minorUnitDigits(currency);
  return amounts.map((amount) => amount / divisor);
}

/** The chart's data: x = each day's 00:00 UTC in Unix seconds, revenue in major units of `currency`, orders. */
export function revenueChartData(series: ReportSeries, currency: string | undefined): [number[], number[], number[]] {
  const xs = series.days.map((day) => utcDayStart(day) / 1000);
  const revenue = currency && series.revenue[currency] ? toMajorUnits(series.revenue[currency], currency) : series.days.map(() => 0);
  return [xs, revenue, [...series.orders]];
}

/** The last `defaultReportRangeDays` finished UTC days: up to yesterday, since today's report is written tomorrow. */
export function defaultReportRange(now: Date): DayRange {
  const to = addUtcDays(utcDayOf(now), -1);
  return { from: addUtcDays(to, -(defaultReportRangeDays - 1)), to };
}

/** Checks a range as the admin typed it, with the order service's rules; messages by field (`from`, `to`). */
export function validateReportRange(range: DayRange, t: Translate = createTranslator('en')): FieldErrors {
  const errors: FieldErrors = {};
  if (!isCalendarDate(range.from)) errors.from = t('admin.enterDate');
  if (!isCalendarDate(range.to)) errors.to = t('admin.enterDate');
  if (errors.from || errors.to) return errors;
  const days = daysInRange(range.from, range.to);
  if (days < 1) errors.to = t('admin.toBeforeFrom');
  else if (days > MAX_REPORT_RANGE_DAYS) errors.to = t('admin.atMostDays', { max: MAX_REPORT_RANGE_DAYS });
  return errors;
}
