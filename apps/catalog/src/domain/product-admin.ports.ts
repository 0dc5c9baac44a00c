import type { Category, ProductWrites } from './ports';
import type { ProductWithAvailability } from './product';

/** Port: the transactions of admin product changes. */
export interface ProductAdminRepository {
  /** Runs `work` in one database transaction: its changes and its enqueued events commit together or not at all. */
  transaction<T>(work: (tx: ProductAdminTransaction) => Promise<T>): Promise<T>;
}

/** Port: what an admin change can do inside its transaction. */
export interface ProductAdminTransaction extends ProductWrites {
  /** Reads a product and locks it until the transaction ends. */
  lockProduct(id: string): Promise<ProductWithAvailability | undefined>;
  findCategoryBySlug(slug: string): Promise<Category | undefined>;
  /** Bumps the version only (a change outside the product row, such as stock). */
  touchProduct(id: string, expectedVersion: number, now: Date): Promise<number | undefined>;
  /** Deletes a product; false when reservations still refer to it. */
  deleteProduct(id: string): Promise<boolean>;
}
