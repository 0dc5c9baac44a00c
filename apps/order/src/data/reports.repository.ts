import type { Database, SqlExecutor } from '@shop/postgres';
import { claimInboxEvent } from '@shop/outbox';
import type { DailyReport, DaySales, ReportsRepository } from '../domain/daily-report';

/** Orders counted as sales: the checkout completed and nothing undid it. */
const SOLD_STATUSES = ['confirmed', 'shipped', 'delivered'];

/** Reports and analytics aggregates in the order database. An order's day is the UTC day it was placed (created_at). */
export class SqlReportsRepository implements ReportsRepository {
  constructor(private readonly db: Database) {}

  async salesOfDay(day: string): Promise<DaySales> {
    const window = `o.status = ANY ($2::text[]) AND o.created_at >= ($1::date)::timestamp AT TIME ZONE 'UTC'
      AND o.created_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'`;
    const [totals, products] = await Promise.all([
      this.db.readQuery<{ currency: string; orders: string; revenue: string }>(
        `SELECT o.currency, count(*) AS orders, sum(o.total) AS revenue FROM orders o WHERE ${window} GROUP BY o.currency ORDER BY o.currency`,
        [day, SOLD_STATUSES],
      ),
      this.db.readQuery<{ product_id: string; sku: string; name: string; currency: string; quantity: string; revenue: string }>(
        `SELECT l.product_id, max(l.sku) AS sku, max(l.name) AS name, o.currency, sum(l.quantity) AS quantity, sum(l.line_total) AS revenue
           FROM orders o JOIN order_lines l ON l.order_id = o.id
          WHERE ${window}
          GROUP BY l.product_id, o.currency`,
        [day, SOLD_STATUSES],
      ),
    ]);
    return {
      orders: totals.rows.reduce((sum, row) => sum + Number(row.orders), 0),
      revenue: totals.rows.map((row) => ({ amount: Number(row.revenue), currency: row.currency })),
      products: products.rows.map((row) => ({
        productId: row.product_id,
        sku: row.sku,
        name: row.name,
        currency: row.currency,
        quantity: Number(row.quantity),
        revenue: Number(row.revenue),
      })),
    };
  }

  async topViewed(day: string, limit: number): Promise<DailyReport['topViewed']> {
    const { rows } = await this.db.readQuery<{ product_id: string; sku: string; views: string }>(
      'SELECT product_id, sku, views FROM analytics_product_views WHERE day = $1::date ORDER BY views DESC, product_id LIMIT $2',
      [day, limit],
    );
    return rows.map((row) => ({ productId: row.product_id, sku: row.sku, views: Number(row.views) }));
  }

  async topSearches(day: string, limit: number): Promise<DailyReport['topSearches']> {
    const { rows } = await this.db.readQuery<{ query: string; searches: string }>(
      'SELECT query, searches FROM analytics_searches WHERE day = $1::date ORDER BY searches DESC, query LIMIT $2',
      [day, limit],
    );
    return rows.map((row) => ({ query: row.query, searches: Number(row.searches) }));
  }

  async saveReport(report: DailyReport): Promise<void> {
    await this.db.query(
      `INSERT INTO daily_reports (date, report, generated_at) VALUES ($1::date, $2::jsonb, $3)
       ON CONFLICT (date) DO UPDATE SET report = EXCLUDED.report, generated_at = EXCLUDED.generated_at`,
      [report.date, JSON.stringify(report), report.generatedAt],
    );
  }

  async findReport(day: string): Promise<DailyReport | undefined> {
    // Reports are written once a day by the batch job: the replica's copy, seconds behind at most, is as good.
    const { rows } = await this.db.readQuery<{ report: DailyReport }>('SELECT report FROM daily_reports WHERE date = $1::date', [day]);
    return rows[0]?.report;
  }

  async findReports(from: string, to: string): Promise<DailyReport[]> {
    const { rows } = await this.db.readQuery<{ report: DailyReport }>(
      'SELECT report FROM daily_reports WHERE date BETWEEN $1::date AND $2::date ORDER BY date',
      [from, to],
    );
    return rows.map((row) => row.report);
  }
}

/** The analytics aggregates, each increment applied once per event id (inbox) in the transaction that adds it. */
export class SqlAnalyticsAggregates {
  constructor(private readonly db: Database) {}

  /** Adds `views` of a product to its day; false when this event was counted before. */
  addProductViews(consumer: string, eventId: string, entry: { day: string; productId: string; sku: string; views: number }): Promise<boolean> {
    return this.once(consumer, eventId, (tx) =>
      tx.query(
        `INSERT INTO analytics_product_views (day, product_id, sku, views) VALUES ($1::date, $2, $3, $4)
         ON CONFLICT (day, product_id) DO UPDATE SET views = analytics_product_views.views + EXCLUDED.views, sku = EXCLUDED.sku`,
        [entry.day, entry.productId, entry.sku, entry.views],
      ),
    );
  }

  /** Counts one search of `query` on its day; false when this event was counted before. */
  addSearch(consumer: string, eventId: string, entry: { day: string; query: string }): Promise<boolean> {
    return this.once(consumer, eventId, (tx) =>
      tx.query(
        `INSERT INTO analytics_searches (day, query, searches) VALUES ($1::date, $2, 1)
         ON CONFLICT (day, query) DO UPDATE SET searches = analytics_searches.searches + 1`,
        [entry.day, entry.query],
      ),
    );
  }

  private once(consumer: string, eventId: string, work: (tx: SqlExecutor) => Promise<unknown>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await claimInboxEvent(tx, consumer, eventId))) return false;
      await work(tx);
      return true;
    });
  }
}
