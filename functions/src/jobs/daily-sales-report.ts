import type { DailyReport } from '@shop/contracts';

/** The UTC calendar day before `now`, as `YYYY-MM-DD`. */
export function previousUtcDate(now: Date): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1));
  return day.toISOString().slice(0, 10);
}

/** Where the CSV of a day's report is kept in the report store. */
export function dailyReportName(date: string): string {
  return `daily/${date}.csv`;
}

/** The columns of the report CSV: one flat table, `section` says which part of the report a row belongs to. */
export const dailyReportColumns = [
  'section',
  'date',
  'category',
  'product_id',
  'sku',
  'name',
  'query',
  'orders',
  'quantity',
  'views',
  'searches',
  'currency',
  'amount_minor',
] as const;
type Column = (typeof dailyReportColumns)[number];
type Row = Partial<Record<Column, string | number>>;

/**
 * Renders a report as RFC 4180 CSV (CRLF line ends, a header row, fields quoted when needed). Money is integer minor
 * units plus the currency, one row per currency; a part with no revenue still gets one row with both left empty.
 */
export function renderDailyReportCsv(report: DailyReport): string {
  const rows: Row[] = [];
  const perCurrency = (base: Row, amounts: DailyReport['revenue']) => {
    if (amounts.length === 0) rows.push(base);
    for (const { currency, amount } of amounts) rows.push({ ...base, currency, amount_minor: amount });
  };
  perCurrency({ section: 'summary', orders: report.orders }, report.revenue);
  for (const entry of report.byCategory) perCurrency({ section: 'category', category: entry.category, quantity: entry.quantity }, entry.revenue);
  for (const entry of report.topProducts) {
    perCurrency({ section: 'top_product', product_id: entry.productId, sku: entry.sku, name: entry.name, quantity: entry.quantity }, entry.revenue);
  }
  for (const entry of report.topViewed) rows.push({ section: 'most_viewed', product_id: entry.productId, sku: entry.sku, views: entry.views });
  for (const entry of report.topSearches) rows.push({ section: 'most_searched', query: entry.query, searches: entry.searches });

  const lines = [dailyReportColumns.join(',')];
  for (const row of rows) lines.push(dailyReportColumns.map((column) => csvField(column === 'date' ? report.date : row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * One CSV field. Text that a spreadsheet would run as a formula (search queries come from anonymous shoppers) gets a
 * leading apostrophe (OWASP's CSV-injection advice); text with a comma, quote or line break is quoted, quotes doubled.
 */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
