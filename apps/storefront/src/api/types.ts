// The shapes the platform's APIs answer (see each service's README). Money is integer minor units plus currency.

export interface Money {
  amount: number;
  currency: string;
}

export interface CategoryRef {
  slug: string;
  name: string;
  path: string;
}

export interface Category {
  id: string;
  slug: string;
  name: string;
  path: string;
  children: Category[];
}

export interface Availability {
  available: number;
  inStock: boolean;
}

export type ProductStatus = 'active' | 'draft' | 'archived';

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  brand: string | null;
  category: CategoryRef | null;
  imageUrls: string[];
  attributes: Record<string, unknown>;
  price: Money;
  status: ProductStatus;
  version: number;
  availability: Availability;
  createdAt: string;
  updatedAt: string;
}

export interface AdminProduct extends Product {
  inventory: { onHand: number; reserved: number };
  source: string | null;
  externalId: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type AvailabilityIssue = 'out_of_stock' | 'insufficient_stock' | 'unavailable' | null;

export interface CartLine {
  productId: string;
  sku: string;
  name: string;
  imageUrl: string | null;
  quantity: number;
  unitPrice: Money | null;
  priceAtAdd: Money;
  priceChanged: boolean;
  lineTotal: Money | null;
  availability: Availability;
  availabilityIssue: AvailabilityIssue;
  addedAt: string;
}

export interface Cart {
  cartId: string | null;
  owner: 'guest' | 'user';
  lines: CartLine[];
  itemCount: number;
  subtotal: { amount: number; currency: string | null };
  hasAvailabilityIssues: boolean;
  createdAt: string | null;
  updatedAt: string | null;
  mergedGuestCart?: boolean;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
  phone?: string;
}

export type OrderStatus = 'pending' | 'reserved' | 'paid' | 'confirmed' | 'shipped' | 'delivered' | 'payment_failed' | 'cancelled';

export interface OrderLine {
  productId: string;
  sku: string;
  name: string;
  unitPrice: Money;
  quantity: number;
  lineTotal: Money;
}

export interface OrderStatusChange {
  from: OrderStatus | null;
  to: OrderStatus;
  reason: string | null;
  at: string;
}

export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  currency: string;
  subtotal: Money;
  total: Money;
  lines: OrderLine[];
  shippingAddress: ShippingAddress;
  paymentMethod: { kind: 'simulated'; outcome: string } | { kind: 'token'; last4: string };
  paymentId: string | null;
  failureReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  history?: OrderStatusChange[];
}

export interface SyncRun {
  runId: string;
  source: string;
  trigger: string;
  status: 'running' | 'succeeded' | 'partial' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  complete: boolean | null;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  archived: number;
  rejectedCount: number;
  rejected: { externalId: string; reason: string }[];
  errors: string[];
  batchesExpected: number | null;
  batchesApplied: number;
}

export interface DailyReport {
  date: string;
  generatedAt: string;
  orders: number;
  revenue: Money[];
  byCategory: { category: string; path: string | null; quantity: number; revenue: Money[] }[];
  topProducts: { productId: string; sku: string; name: string; quantity: number; revenue: Money[] }[];
  topViewed: { productId: string; sku: string; views: number }[];
  topSearches: { query: string; searches: number }[];
}
