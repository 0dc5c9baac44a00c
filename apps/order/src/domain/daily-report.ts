import type { DailyReport, Money } from '@shop/contracts';
import { AppError } from '@shop/kernel';

// The stored report is what the order API answers: its type is the contract's.
export type { DailyReport } from '@shop/contracts';

/** Sold quantity and revenue of one product in one currency, for one day. */
export interface ProductSalesRow {
  productId: string;
  sku: string;
  name: string;
  currency: string;
  quantity: number;
  revenue: number;
}

/** What a day's orders add up to, as the database reports it. */
export interface DaySales {
  orders: number;
  revenue: Money[];
  products: ProductSalesRow[];
}

/** The category a product is filed under, or null when it has none (or catalog does not know it any more). */
export interface ProductCategory {
  slug: string;
  path: string;
}

/** Port: the order database's view of a day, and the stored reports. */
export interface ReportsRepository {
  salesOfDay(day: string): Promise<DaySales>;
  topViewed(day: string, limit: number): Promise<DailyReport['topViewed']>;
  topSearches(day: string, limit: number): Promise<DailyReport['topSearches']>;
  /** Stores the report of its day, replacing an earlier one. */
  saveReport(report: DailyReport): Promise<void>;
  findReport(day: string): Promise<DailyReport | undefined>;
  /** The stored reports of the days from `from` to `to` (both included), oldest first. */
  findReports(from: string, to: string): Promise<DailyReport[]>;
}

/** Port: the categories of products (catalog's public product API). */
export interface ProductCategoryLookup {
  /** Every id of `productIds` mapped to its category; null when uncategorised or unknown. */
  categoriesOf(productIds: string[]): Promise<Map<string, ProductCategory | null>>;
}

/** The bucket of products without a category (or that catalog no longer shows). */
export const UNCATEGORISED = 'uncategorised';
/** Entries of each top list. */
export const TOP_LIST_SIZE = 10;

/** Adds `amount` to the running total of its currency. */
function addMoney(totals: Map<string, number>, currency: string, amount: number): void {
  totals.set(currency, (totals.get(currency) ?? 0) + amount);
}

function moneyList(totals: Map<string, number>): Money[] {
  return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ amount, currency }));
}

/** The daily sales and analytics report: computed from the order database and catalog's categories, then stored. */
export class DailyReportService {
  private readonly clock: () => Date;

  constructor(private readonly deps: { repository: ReportsRepository; categories: ProductCategoryLookup; clock?: () => Date }) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Computes the report of `day` (YYYY-MM-DD, UTC) and stores it, replacing an earlier one. */
  async generate(day: string): Promise<DailyReport> {
    const [sales, topViewed, topSearches] = await Promise.all([
      this.deps.repository.salesOfDay(day),
      this.deps.repository.topViewed(day, TOP_LIST_SIZE),
      this.deps.repository.topSearches(day, TOP_LIST_SIZE),
    ]);
    const productIds = [...new Set(sales.products.map((row) => row.productId))];
    const categories = productIds.length > 0 ? await this.deps.categories.categoriesOf(productIds) : new Map<string, ProductCategory | null>();

    const perCategory = new Map<string, { path: string | null; quantity: number; revenue: Map<string, number> }>();
    const perProduct = new Map<string, { productId: string; sku: string; name: string; quantity: number; revenue: Map<string, number> }>();
    for (const row of sales.products) {
      const category = categories.get(row.productId) ?? null;
      const key = category?.slug ?? UNCATEGORISED;
      const bucket = perCategory.get(key) ?? { path: category?.path ?? null, quantity: 0, revenue: new Map<string, number>() };
      bucket.quantity += row.quantity;
      addMoney(bucket.revenue, row.currency, row.revenue);
      perCategory.set(key, bucket);
      const product = perProduct.get(row.productId) ?? { productId: row.productId, sku: row.sku, name: row.name, quantity: 0, revenue: new Map<string, number>() };
      product.quantity += row.quantity;
      addMoney(product.revenue, row.currency, row.revenue);
      perProduct.set(row.productId, product);
    }
    const report: DailyReport = {
      date: day,
      generatedAt: this.clock().toISOString(),
      orders: sales.orders,
      revenue: sales.revenue,
      byCategory: [...perCategory]
        .map(([category, bucket]) => ({ category, path: bucket.path, quantity: bucket.quantity, revenue: moneyList(bucket.revenue) }))
        .sort((a, b) => b.quantity - a.quantity || a.category.localeCompare(b.category)),
      topProducts: [...perProduct.values()]
        .sort((a, b) => b.quantity - a.quantity || a.sku.localeCompare(b.sku))
        .slice(0, TOP_LIST_SIZE)
        .map((product) => ({ ...product, revenue: moneyList(product.revenue) })),
      topViewed,
      topSearches,
    };
    await this.deps.repository.saveReport(report);
    return report;
  }

  /** The stored report of `day`; not_found when none was generated. */
  async getReport(day: string): Promise<DailyReport> {
    const report = await this.deps.repository.findReport(day);
    if (!report) throw new AppError('not_found', `No daily report for ${day}`);
    return report;
  }

  /** The stored reports from `from` to `to` (UTC days, both included), oldest first; days without one are left out. */
  listReports(from: string, to: string): Promise<DailyReport[]> {
    return this.deps.repository.findReports(from, to);
  }
}
