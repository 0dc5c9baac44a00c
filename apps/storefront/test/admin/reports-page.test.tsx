/** @jest-environment jsdom */
import { fireEvent, screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { ReportsPage } from '../../src/admin/reports-page';
import { defaultReportRange, type ReportSeries } from '../../src/admin/report-series';
import type { DailyReport } from '@shop/contracts';
import { formatMoney } from '../../src/lib/money';
import { FakeBackend, renderWithApp } from '../app-harness';

// uPlot draws on a canvas jsdom does not have; the chart's data is what matters here (report-series.test.ts).
const mockChartProps: Array<{ series: ReportSeries; currency: string | undefined }> = [];
jest.mock('../../src/admin/revenue-chart', () => ({
  RevenueChart: (props: { series: ReportSeries; currency: string | undefined }) => {
    mockChartProps.push(props);
    // The factory runs before the test file's imports are bound, so React is fetched here.
    return jest.requireActual<typeof import('react')>('react').createElement('figure', { 'data-testid': 'revenue-chart' });
  },
}));

function report(date: string, orders: number, revenue: Array<[number, string]>): DailyReport {
  return { date, generatedAt: `${date}T23:59:00Z`, orders, revenue: revenue.map(([amount, currency]) => ({ amount, currency })), byCategory: [], topProducts: [], topViewed: [], topSearches: [] };
}

const reportsPath = (from: string, to: string) => `/api/orders/reports/daily?${new URLSearchParams({ from, to })}`;

function openReports(path: string, backend: FakeBackend) {
  renderWithApp(
    <Routes>
      <Route path="/admin/reports" element={<ReportsPage />} />
    </Routes>,
    { path, backend },
  );
}

beforeEach(() => {
  mockChartProps.length = 0;
});

describe('ReportsPage', () => {
  it('when the page opens, then it asks for the last 14 finished UTC days', async () => {
    const { from, to } = defaultReportRange(new Date());
    const backend = new FakeBackend().on('GET', reportsPath(from, to), { status: 200, body: { items: [] } });
    openReports('/admin/reports', backend);
    expect(await screen.findByText('No reports in this range yet. Reports are written by the daily job for each finished UTC day.')).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>('From').value).toBe(from);
    expect(screen.getByLabelText<HTMLInputElement>('To').value).toBe(to);
    expect(screen.queryByTestId('revenue-chart')).toBeNull();
  });

  it('when some days have reports, then the chart gets every day of the range and the table lists each day, missing ones as "No report"', async () => {
    const backend = new FakeBackend().on('GET', reportsPath('2030-01-01', '2030-01-03'), {
      status: 200,
      body: { items: [report('2030-01-01', 2, [[1999, 'EUR'], [500, 'USD']]), report('2030-01-03', 1, [[250, 'EUR']])] },
    });
    openReports('/admin/reports?from=2030-01-01&to=2030-01-03', backend);
    const table = await screen.findByRole('table', { name: 'Daily orders and revenue per currency' });
    expect(await screen.findByTestId('revenue-chart')).toBeTruthy();
    const last = mockChartProps.at(-1)!;
    expect(last.currency).toBe('EUR');
    expect(last.series.days).toEqual(['2030-01-01', '2030-01-02', '2030-01-03']);
    expect(last.series.revenue).toEqual({ EUR: [1999, 0, 250], USD: [500, 0, 0] });

    expect(within(table).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual(['Date', 'Orders', 'Revenue (EUR)', 'Revenue (USD)']);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(4);
    expect(rows[0].textContent).toContain(formatMoney({ amount: 1999, currency: 'EUR' }));
    expect(rows[1].textContent).toContain('No report');
    expect(rows[3].textContent).toContain(formatMoney({ amount: 2249, currency: 'EUR' }));

    fireEvent.change(screen.getByLabelText('Chart currency'), { target: { value: 'USD' } });
    expect(mockChartProps.at(-1)!.currency).toBe('USD');
  });

  it('when the range is reversed or too long, then nothing is asked and the To field says why', async () => {
    const backend = new FakeBackend();
    openReports('/admin/reports?from=2030-01-05&to=2030-01-01', backend);
    expect(await screen.findByText('Choose a day on or after the From day.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2030-06-01' } });
    expect(await screen.findByText('Choose at most 92 days.')).toBeTruthy();
    expect(backend.adminRequests()).toEqual([]);
  });
});
