import { ApiError } from '../api/api-error';
import type { ProductInput } from '../api/admin-api';
import type { AdminProduct, ProductStatus } from '../api/types';
import { minorUnitDigits, moneyInputValue, parseMoneyInput } from '../lib/money';
import type { FieldErrors } from '../lib/validation';

// The same limits as catalog's product schema (apps/catalog/src/domain/product.ts), so an admin hears about a
// mistake before anything is sent; the catalog still decides.
const skuPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const categorySlugPattern = /^[a-z0-9-]{1,100}$/;
// Tabs and line breaks are fine in a description; other control characters are refused by the catalog.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** The largest price the catalog accepts, in minor units. */
const maxPriceMinorUnits = 9_999_999_999;
/** The largest stock the catalog accepts. */
const maxOnHand = 1_000_000_000;

/** Currencies the back office offers for new products. */
export const productCurrencies = ['EUR', 'USD', 'GBP'] as const;
/** Every product status, in the order the back office lists them. */
export const productStatuses: readonly ProductStatus[] = ['active', 'draft', 'archived'];
/** How a status reads in the back office. */
export const productStatusLabels: Record<ProductStatus, string> = { active: 'Active', draft: 'Draft', archived: 'Archived' };

/** The edit form as typed: every field a string, the price as the admin writes it ("12.99"). */
export interface ProductEditForm {
  name: string;
  description: string;
  brand: string;
  price: string;
  status: ProductStatus;
}

/** The fields of the edit form a merge-patch may carry. */
export type ProductPatch = Partial<Pick<ProductInput, 'name' | 'description' | 'brand' | 'price' | 'status'>>;

/** The create form as typed. */
export interface NewProductForm {
  sku: string;
  name: string;
  description: string;
  brand: string;
  category: string;
  price: string;
  currency: string;
  status: 'draft' | 'active';
}

/** What the create form starts with. */
export const emptyNewProductForm: NewProductForm = { sku: '', name: '', description: '', brand: '', category: '', price: '', currency: 'EUR', status: 'draft' };

/** Field labels, used to word the catalog's field errors ("SKU is already used"). */
export const productFieldLabels: Record<keyof NewProductForm, string> = {
  sku: 'SKU',
  name: 'Name',
  description: 'Description',
  brand: 'Brand',
  category: 'Category slug',
  price: 'Price',
  currency: 'Currency',
  status: 'Status',
};

/** The edit form prefilled with a product. */
export function editFormFromProduct(product: AdminProduct): ProductEditForm {
  return { name: product.name, description: product.description, brand: product.brand ?? '', price: moneyInputValue(product.price), status: product.status };
}

function text(value: string, label: string, max: number, required: boolean): string | undefined {
  const trimmed = value.trim();
  if (required && !trimmed) return `Enter the ${label.toLowerCase()}.`;
  if (trimmed.length > max) return `Use at most ${max} characters.`;
  if (controlCharacters.test(trimmed)) return 'Remove the special characters.';
  return undefined;
}

function priceError(value: string, currency: string): { amount?: number; error?: string } {
  if (!value.trim()) return { error: 'Enter the price.' };
  const amount = parseMoneyInput(value, currency);
  const digits = minorUnitDigits(currency);
  const example = digits === 0 ? '1299' : `12.${'9'.repeat(digits)}`;
  if (amount === undefined) return { error: `Enter an amount like ${example}, with at most ${digits} decimal ${digits === 1 ? 'place' : 'places'}.` };
  if (amount > maxPriceMinorUnits) return { error: 'The price is too high.' };
  return { amount };
}

/**
 * Compares the edit form with the product it started from: the merge-patch holds only the fields that changed
 * (trimmed; an emptied brand becomes null, which clears it), and the errors say what to fix first.
 */
export function productPatchFromForm(form: ProductEditForm, product: AdminProduct): { patch: ProductPatch; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const patch: ProductPatch = {};
  const set = (field: keyof ProductEditForm, message: string | undefined) => {
    if (message) errors[field] = message;
  };
  set('name', text(form.name, 'name', 200, true));
  set('description', text(form.description, 'description', 10_000, false));
  set('brand', text(form.brand, 'brand', 100, false));
  const price = priceError(form.price, product.price.currency);
  set('price', price.error);

  const name = form.name.trim();
  if (name !== product.name) patch.name = name;
  const description = form.description.trim();
  if (description !== product.description) patch.description = description;
  const brand = form.brand.trim() || null;
  if (brand !== product.brand) patch.brand = brand;
  if (price.amount !== undefined && price.amount !== product.price.amount) patch.price = { amount: price.amount, currency: product.price.currency };
  if (form.status !== product.status) patch.status = form.status;
  return { patch, errors };
}

/**
 * After a write of this page changed the product (stock, archive), the fields the admin had not touched follow the
 * new product; the ones they were editing keep their edit.
 */
export function rebaseEditForm(form: ProductEditForm, before: AdminProduct, after: AdminProduct): ProductEditForm {
  const was = editFormFromProduct(before);
  const now = editFormFromProduct(after);
  return {
    name: form.name === was.name ? now.name : form.name,
    description: form.description === was.description ? now.description : form.description,
    brand: form.brand === was.brand ? now.brand : form.brand,
    price: form.price === was.price ? now.price : form.price,
    status: form.status === was.status ? now.status : form.status,
  };
}

/** Checks the create form and builds the catalog's input from it. */
export function newProductInputFromForm(form: NewProductForm): { input?: ProductInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const set = (field: keyof NewProductForm, message: string | undefined) => {
    if (message) errors[field] = message;
  };
  const sku = form.sku.trim();
  if (!sku) set('sku', 'Enter the SKU.');
  else if (!skuPattern.test(sku)) set('sku', 'Use 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit.');
  else if (uuidPattern.test(sku)) set('sku', 'A SKU must not look like a product id.');
  set('name', text(form.name, 'name', 200, true));
  set('description', text(form.description, 'description', 10_000, false));
  set('brand', text(form.brand, 'brand', 100, false));
  const category = form.category.trim();
  if (category && !categorySlugPattern.test(category)) set('category', 'Use the category’s slug: lower-case letters, digits and dashes, like desk-lamps.');
  const currencyKnown = (productCurrencies as readonly string[]).includes(form.currency);
  if (!currencyKnown) set('currency', 'Choose a currency.');
  const price = currencyKnown ? priceError(form.price, form.currency) : {};
  set('price', price.error);
  if (Object.keys(errors).length > 0 || price.amount === undefined) return { errors };
  return {
    errors,
    input: {
      sku,
      name: form.name.trim(),
      description: form.description.trim(),
      brand: form.brand.trim() || null,
      category: category || null,
      price: { amount: price.amount, currency: form.currency },
      status: form.status,
    },
  };
}

/** Reads the stock field: a whole number from the reserved units up; otherwise the message to show. */
export function parseStockInput(value: string, reserved: number): { onHand?: number; error?: string } {
  const trimmed = value.trim();
  if (!/^\d{1,10}$/.test(trimmed)) return { error: 'Enter a whole number of units.' };
  const onHand = Number(trimmed);
  if (onHand > maxOnHand) return { error: `Enter at most ${maxOnHand.toLocaleString('en')} units.` };
  if (onHand < reserved) return { error: `Orders hold ${reserved} units; stock on hand cannot go below that.` };
  return { onHand };
}

/**
 * The catalog's field errors (problem+json `errors`, e.g. `body.price.amount`: "must not be negative") by form field,
 * worded with the field's label: "Price must not be negative". Fields the form does not show are left out.
 */
export function fieldErrorsFromProblem(error: unknown, labels: Readonly<Record<string, string>> = productFieldLabels): FieldErrors {
  const errors: FieldErrors = {};
  if (!(error instanceof ApiError)) return errors;
  for (const { field, message } of error.problem.errors ?? []) {
    const name = field.replace(/^body\./, '').split('.')[0] ?? '';
    const label = labels[name];
    if (!label || errors[name]) continue;
    const sentence = message.trim().replace(/\.$/, '');
    errors[name] = /^[a-z]/.test(sentence) ? `${label} ${sentence}.` : `${label}: ${sentence}.`;
  }
  return errors;
}
