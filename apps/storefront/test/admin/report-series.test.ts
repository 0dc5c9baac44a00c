import type { DailyReport } from '@shop/contracts';
import { buildReportSeries, defaultReportRange, revenueChartData, seriesTotals, toMajorUnits, validateReportRange } from '../../src/admin/report-series';

function report(date: string, orders: number, revenue: Array<[number, string]>): DailyReport {
  return {
    date,
    generatedAt: `${date}T23:59:00Z`,
    orders,
    revenue: revenue.map(([amount, currency]) => ({ amount, currency })),
    byCategory: [],
    topProducts: [],
    topViewed: [],
    topSearches: [],
  };
}

describe('buildReportSeries', () => {
  it('when some days of the range have no report, then every day is present and the missing ones are 0 and marked unreported', () => {
    const series = buildReportSeries([report('2026-03-01', 2, [[1999, 'EUR']]), report('2026-03-04', 1, [[500, 'EUR']])], { from: '2026-03-01', to: '2026-03-05' });
    expect(series.days).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']);
    expect(series.reported).toEqual([true, false, false, true, false]);
    expect(series.orders).toEqual([2, 0, 0, 1, 0]);
    expect(series.revenue).toEqual({ EUR: [1999, 0, 0, 500, 0] });
  });

  it('when reports sell in several currencies, then each currency has its own series, alphabetical, never summed together', () => {
    const series = buildReportSeries(
      [
        report('2026-03-01', 3, [[1000, 'EUR'], [2500, 'USD']]),
        report('2026-03-02', 1, [[700, 'GBP']]),
      ],
      { from: '2026-03-01', to: '2026-03-02' },
    );
    expect(series.currencies).toEqual(['EUR', 'GBP', 'USD']);
    expect(series.revenue).toEqual({ EUR: [1000, 0], GBP: [0, 700], USD: [2500, 0] });
    expect(seriesTotals(series)).toEqual({ orders: 4, revenue: { EUR: 1000, GBP: 700, USD: 2500 } });
  });

  it('when the range crosses a month end and a leap day, then the days are consecutive UTC days', () => {
    expect(buildReportSeries([], { from: '2028-02-27', to: '2028-03-01' }).days).toEqual(['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01']);
  });

  it('when a report lies outside the range, then it is ignored, currency included', () => {
    const series = buildReportSeries([report('2026-02-28', 9, [[100, 'JPY']]), report('2026-03-01', 1, [[100, 'EUR']])], { from: '2026-03-01', to: '2026-03-01' });
    expect(series.currencies).toEqual(['EUR']);
    expect(series.orders).toEqual([1]);
  });
});

describe('revenueChartData and toMajorUnits', () => {
  it('when amounts are minor units, then the chart gets major units by the currency’s digits and x at UTC midnight in seconds', () => {
    expect(toMajorUnits([1999, 5, 0], 'EUR')).toEqual([19.99, 0.05, 0]);
    expect(toMajorUnits([1999], 'JPY')).toEqual([1999]);
    expect(toMajorUnits([1999], 'KWD')).toEqual([1.999]);
    const series = buildReportSeries([report('2026-03-02', 2, [[123456, 'EUR']])], { from: '2026-03-01', to: '2026-03-02' });
    expect(revenueChartData(series, 'EUR')).toEqual([[Date.UTC(2026, 2, 1) / 1000, Date.UTC(2026, 2, 2) / 1000], [0, 1234.56], [0, 2]]);
  });

  it('when the range sold nothing, then the revenue line is all zeros', () => {
    const series = buildReportSeries([report('2026-03-01', 0, [])], { from: '2026-03-01', to: '2026-03-02' });
    expect(revenueChartData(series, undefined)[1]).toEqual([0, 0]);
  });
});

describe('defaultReportRange and validateReportRange', () => {
  it('when the page opens, then the range is the 14 finished UTC days up to yesterday', () => {
    expect(defaultReportRange(new Date('2026-03-15T00:30:00+02:00'))).toEqual({ from: '2026-02-28', to: '2026-03-13' });
    expect(defaultReportRange(new Date('2026-03-15T12:00:00Z'))).toEqual({ from: '2026-03-01', to: '2026-03-14' });
  });

  it('when the range is reversed, longer than 92 days or not dates, then each field says what to fix', () => {
    expect(validateReportRange({ from: '2026-03-01', to: '2026-03-01' })).toEqual({});
    expect(validateReportRange({ from: '2026-01-01', to: '2026-04-02' })).toEqual({});
    expect(validateReportRange({ from: '2026-01-01', to: '2026-04-03' })).toEqual({ to: 'Choose at most 92 days.' });
    expect(validateReportRange({ from: '2026-03-02', to: '2026-03-01' })).toEqual({ to: 'Choose a day on or after the From day.' });
    expect(validateReportRange({ from: '', to: '2026-02-30' })).toEqual({ from: 'Enter a date.', to: 'Enter a date.' });
  });
});
