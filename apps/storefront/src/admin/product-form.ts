import { ApiError } from '../api/api-error';
import type { ProductInputBody, ProductPatchBody } from '../api/admin-api';
import { isUuid, MAX_PRICE_MINOR_UNITS, productInputFieldsSchema, productInventoryBodySchema, skuSchema, type AdminProductView, type Market, type Money, type ProductStatus, type ProductTranslation } from '@shop/contracts';
import { minorUnitDigits, moneyInputValue, parseMoneyInput } from '../lib/money';
import { lengthLimitOf } from '../lib/schema-issues';
import type { MessageKey } from '../i18n/catalogues';
import { createTranslator, type Translate } from '../i18n/translator';
import type { FieldErrors } from '../lib/validation';
import './admin-messages';

const english = createTranslator('en');

// The forms check with catalog's own product schema, so an admin hears about a mistake before anything is sent; the
// catalog still decides (an existing category, a SKU nobody else uses).

// Categories are named by their slug; catalog looks it up, the form only steers towards the slug's form.
const categorySlugPattern = /^[a-z0-9-]{1,100}$/;
/** The largest stock the catalog accepts. */
const maxOnHand = productInventoryBodySchema.shape.onHand.maxValue ?? Number.MAX_SAFE_INTEGER;

/** Currencies the back office offers for new products. */
export const productCurrencies = ['EUR', 'USD', 'GBP'] as const;
const statusKeys: Record<ProductStatus, MessageKey> = { active: 'admin.statusActive', draft: 'admin.statusDraft', archived: 'admin.statusArchived' };

/** How a status reads in the back office, in the active language (`t`). */
export function productStatusLabel(status: ProductStatus, t: Translate = english): string {
  return t(statusKeys[status]);
}

/** Explicit prices per currency as typed, in major units ("12.99"); an empty or missing one is derived by the rate table. */
export type MarketPriceInputs = Readonly<Record<string, string>>;

/**
 * The languages the back office offers translations in, besides the catalog's base language (English, the product's
 * own name and description). The catalog's default languages; no API lists them.
 */
export const translationLanguages = ['de', 'ja'] as const;
/** A language a product's name and description can be translated into here. */
export type TranslationLanguage = (typeof translationLanguages)[number];

/** One language's translation as typed; both empty means the product has none in it. */
export interface TranslationInput {
  name: string;
  description: string;
}
/** The translation inputs per language (a missing language is empty). */
export type TranslationInputs = Readonly<Partial<Record<TranslationLanguage, TranslationInput>>>;

/** The field key of one translation input and its error (`translations.de.name`). */
export const translationField = (language: TranslationLanguage, field: keyof TranslationInput) => `translations.${language}.${field}`;

/** The edit form as typed: every field a string, the price as the admin writes it ("12.99"). */
export interface ProductEditForm {
  name: string;
  description: string;
  brand: string;
  price: string;
  status: ProductStatus;
  marketPrices: MarketPriceInputs;
  translations: TranslationInputs;
}

/** The fields of the edit form a merge-patch may carry. */
export type ProductPatch = Pick<ProductPatchBody, 'name' | 'description' | 'brand' | 'price' | 'status' | 'marketPrices' | 'translations'>;

/** The currencies a product may have an explicit price in: its markets' currencies other than the base price's, in market order. */
export function marketPriceCurrencies(markets: readonly Pick<Market, 'currency'>[], baseCurrency: string): string[] {
  return [...new Set(markets.map((market) => market.currency))].filter((currency) => currency !== baseCurrency);
}

/** A product's prices set explicitly in other currencies than the base one (its price list without the derived ones). */
export function explicitMarketPrices(product: Pick<AdminProductView, 'price' | 'prices'>): Money[] {
  return product.prices.filter((entry) => !entry.derived && entry.currency !== product.price.currency).map(({ amount, currency }) => ({ amount, currency }));
}

/** The field key of one market price's input and error (`marketPrices.USD`). */
export const marketPriceField = (currency: string) => `marketPrices.${currency}`;

/**
 * Reads the market price inputs of `currencies` (blank: derived): the explicit prices in integer minor units of each
 * currency, or the errors by field (`marketPrices.USD`).
 */
export function marketPricesFromForm(inputs: MarketPriceInputs, currencies: readonly string[], t: Translate = english): { prices: Money[]; errors: FieldErrors } {
  const prices: Money[] = [];
  const errors: FieldErrors = {};
  for (const currency of currencies) {
    const value = inputs[currency] ?? '';
    if (!value.trim()) continue;
    const price = priceError(value, currency, t);
    if (price.amount === undefined) errors[marketPriceField(currency)] = price.error ?? t('admin.enterPrice');
    else prices.push({ amount: price.amount, currency });
  }
  return { prices, errors };
}

/**
 * Reads the translation inputs: the languages with a name (trimmed; a blank language is left out), or the errors by
 * field (`translations.de.name`). A description without a name is an error: a translation needs its name.
 */
export function translationsFromForm(inputs: TranslationInputs, t: Translate = english): { translations: Partial<Record<TranslationLanguage, ProductTranslation>>; errors: FieldErrors } {
  const translations: Partial<Record<TranslationLanguage, ProductTranslation>> = {};
  const errors: FieldErrors = {};
  for (const language of translationLanguages) {
    const name = inputs[language]?.name.trim() ?? '';
    const description = inputs[language]?.description.trim() ?? '';
    if (!name && !description) continue;
    const nameError = name ? text('name', name, true, t) : t('admin.translationNeedsName');
    const descriptionError = text('description', description, false, t);
    if (nameError) errors[translationField(language, 'name')] = nameError;
    if (descriptionError) errors[translationField(language, 'description')] = descriptionError;
    if (!nameError && !descriptionError) translations[language] = { name, description };
  }
  return { translations, errors };
}

/** The translation inputs prefilled with a product's translations in the languages the form offers. */
function translationInputsOf(product: Pick<AdminProductView, 'translations'>): Record<TranslationLanguage, TranslationInput> {
  // An older catalog (a rolling deploy) answers without translations.
  const existing: AdminProductView['translations'] = product.translations ?? {};
  return Object.fromEntries(
    translationLanguages.map((language) => [language, { name: existing[language]?.name ?? '', description: existing[language]?.description ?? '' }]),
  ) as Record<TranslationLanguage, TranslationInput>;
}

/**
 * The merge-patch of `translations`: each language of the form that changed, with its changed fields (a new one with
 * both), `null` for one whose name and description were cleared; undefined when none changed. Languages the form does
 * not offer are left as they are.
 */
function translationsPatch(wanted: Partial<Record<TranslationLanguage, ProductTranslation>>, product: Pick<AdminProductView, 'translations'>): ProductPatch['translations'] {
  const existing: AdminProductView['translations'] = product.translations ?? {};
  const patch: NonNullable<ProductPatch['translations']> = {};
  for (const language of translationLanguages) {
    const before = existing[language];
    const after = wanted[language];
    if (!after) {
      if (before) patch[language] = null;
      continue;
    }
    if (!before) {
      patch[language] = { ...after };
      continue;
    }
    const changes: { name?: string; description?: string } = {};
    if (after.name !== before.name) changes.name = after.name;
    if (after.description !== before.description) changes.description = after.description;
    if (Object.keys(changes).length > 0) patch[language] = changes;
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}

const samePrices = (left: readonly Money[], right: readonly Money[]) =>
  left.length === right.length && left.every((price) => right.some((other) => other.currency === price.currency && other.amount === price.amount));

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
  marketPrices: MarketPriceInputs;
  translations: TranslationInputs;
}

/** What the create form starts with. */
export const emptyNewProductForm: NewProductForm = { sku: '', name: '', description: '', brand: '', category: '', price: '', currency: 'EUR', status: 'draft', marketPrices: {}, translations: {} };

const fieldLabelKeys: Record<keyof NewProductForm, MessageKey> = {
  sku: 'admin.sku',
  name: 'admin.name',
  description: 'admin.description',
  brand: 'admin.brand',
  category: 'admin.categorySlug',
  price: 'admin.price',
  currency: 'admin.currency',
  status: 'admin.status',
  marketPrices: 'admin.marketPrices',
  translations: 'admin.translations',
};

/** Field labels in the active language (`t`), used to word the catalog's field errors ("SKU is already used"). */
export function productFieldLabels(t: Translate = english): Record<keyof NewProductForm, string> {
  return Object.fromEntries(Object.entries(fieldLabelKeys).map(([field, key]) => [field, t(key)])) as Record<keyof NewProductForm, string>;
}

const textFieldKeys: Record<'name' | 'description' | 'brand', MessageKey> = { name: 'admin.fieldName', description: 'admin.fieldDescription', brand: 'admin.fieldBrand' };

/** The edit form prefilled with a product. */
export function editFormFromProduct(product: AdminProductView): ProductEditForm {
  const marketPrices = Object.fromEntries(explicitMarketPrices(product).map((price) => [price.currency, moneyInputValue(price)]));
  return {
    name: product.name,
    description: product.description,
    brand: product.brand ?? '',
    price: moneyInputValue(product.price),
    status: product.status,
    marketPrices,
    translations: translationInputsOf(product),
  };
}

/** Checks a text field with its rule in catalog's input schema; a blank optional field is left out (or cleared). */
function text(field: 'name' | 'description' | 'brand', value: string, required: boolean, t: Translate): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return required ? t('admin.enterField', { field: t(textFieldKeys[field]) }) : undefined;
  const result = productInputFieldsSchema.shape[field].safeParse(trimmed);
  if (result.success) return undefined;
  const limit = lengthLimitOf(result.error.issues);
  return limit === undefined ? t('errors.removeSpecialCharacters') : t('errors.atMostCharacters', { limit });
}

function priceError(value: string, currency: string, t: Translate): { amount?: number; error?: string } {
  if (!value.trim()) return { error: t('admin.enterPrice') };
  const amount = parseMoneyInput(value, currency);
  const digits = minorUnitDigits(currency);
  const example = digits === 0 ? '1299' : `12.${'9'.repeat(digits)}`;
  if (amount === undefined) return { error: t('admin.priceFormat', { example, count: digits }) };
  if (amount > MAX_PRICE_MINOR_UNITS) return { error: t('admin.priceTooHigh') };
  return { amount };
}

/**
 * Compares the edit form with the product it started from: the merge-patch holds only the fields that changed
 * (trimmed; an emptied brand becomes null, which clears it), and the errors say what to fix first. The market prices
 * of `currencies` (the markets' other currencies) are compared as a set; explicit prices in currencies the form does
 * not show are kept, and no explicit price left sends `null` (the rate table derives them all).
 */
export function productPatchFromForm(form: ProductEditForm, product: AdminProductView, t: Translate = english, currencies: readonly string[] = []): { patch: ProductPatch; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const patch: ProductPatch = {};
  const set = (field: keyof ProductEditForm, message: string | undefined) => {
    if (message) errors[field] = message;
  };
  set('name', text('name', form.name, true, t));
  set('description', text('description', form.description, false, t));
  set('brand', text('brand', form.brand, false, t));
  const price = priceError(form.price, product.price.currency, t);
  set('price', price.error);

  const name = form.name.trim();
  if (name !== product.name) patch.name = name;
  const description = form.description.trim();
  if (description !== product.description) patch.description = description;
  const brand = form.brand.trim() || null;
  if (brand !== product.brand) patch.brand = brand;
  if (price.amount !== undefined && price.amount !== product.price.amount) patch.price = { amount: price.amount, currency: product.price.currency };
  if (form.status !== product.status) patch.status = form.status;
  const marketPrices = marketPricesFromForm(form.marketPrices, currencies, t);
  Object.assign(errors, marketPrices.errors);
  const explicit = explicitMarketPrices(product);
  const wanted = [...explicit.filter((price) => !currencies.includes(price.currency)), ...marketPrices.prices];
  if (Object.keys(marketPrices.errors).length === 0 && !samePrices(wanted, explicit)) patch.marketPrices = wanted.length > 0 ? wanted : null;
  const translations = translationsFromForm(form.translations, t);
  Object.assign(errors, translations.errors);
  const translationChanges = Object.keys(translations.errors).length === 0 ? translationsPatch(translations.translations, product) : undefined;
  if (translationChanges) patch.translations = translationChanges;
  return { patch, errors };
}

/**
 * After a write of this page changed the product (stock, archive), the fields the admin had not touched follow the
 * new product; the ones they were editing keep their edit.
 */
export function rebaseEditForm(form: ProductEditForm, before: AdminProductView, after: AdminProductView): ProductEditForm {
  const was = editFormFromProduct(before);
  const now = editFormFromProduct(after);
  return {
    name: form.name === was.name ? now.name : form.name,
    description: form.description === was.description ? now.description : form.description,
    brand: form.brand === was.brand ? now.brand : form.brand,
    price: form.price === was.price ? now.price : form.price,
    status: form.status === was.status ? now.status : form.status,
    marketPrices: Object.fromEntries(
      [...new Set([...Object.keys(form.marketPrices), ...Object.keys(now.marketPrices)])].map((currency) => {
        const typed = form.marketPrices[currency] ?? '';
        return [currency, typed === (was.marketPrices[currency] ?? '') ? (now.marketPrices[currency] ?? '') : typed];
      }),
    ),
    translations: Object.fromEntries(
      translationLanguages.map((language) => {
        const typed = form.translations[language] ?? { name: '', description: '' };
        const untouched = (field: keyof TranslationInput) => (typed[field] === (was.translations[language]?.[field] ?? '') ? (now.translations[language]?.[field] ?? '') : typed[field]);
        return [language, { name: untouched('name'), description: untouched('description') }];
      }),
    ),
  };
}

/** Checks the create form and builds the catalog's input from it; market prices are read for `currencies` (the markets' other currencies). */
export function newProductInputFromForm(form: NewProductForm, t: Translate = english, currencies: readonly string[] = []): { input?: ProductInputBody; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const set = (field: keyof NewProductForm, message: string | undefined) => {
    if (message) errors[field] = message;
  };
  const sku = form.sku.trim();
  if (!sku) set('sku', t('admin.enterSku'));
  else if (isUuid(sku)) set('sku', t('admin.skuLooksLikeId'));
  else if (!skuSchema.safeParse(sku).success) set('sku', t('admin.skuFormat'));
  set('name', text('name', form.name, true, t));
  set('description', text('description', form.description, false, t));
  set('brand', text('brand', form.brand, false, t));
  const category = form.category.trim();
  if (category && !categorySlugPattern.test(category)) set('category', t('admin.categoryFormat'));
  const currencyKnown = (productCurrencies as readonly string[]).includes(form.currency);
  if (!currencyKnown) set('currency', t('admin.chooseCurrency'));
  const price = currencyKnown ? priceError(form.price, form.currency, t) : {};
  set('price', price.error);
  // A price typed for a currency that became the base one is no longer shown, and not sent.
  const marketPrices = marketPricesFromForm(form.marketPrices, currencies.filter((currency) => currency !== form.currency), t);
  Object.assign(errors, marketPrices.errors);
  const translations = translationsFromForm(form.translations, t);
  Object.assign(errors, translations.errors);
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
      ...(marketPrices.prices.length > 0 ? { marketPrices: marketPrices.prices } : {}),
      ...(Object.keys(translations.translations).length > 0 ? { translations: translations.translations } : {}),
      status: form.status,
    },
  };
}

/** Reads the stock field: a whole number from the reserved units up; otherwise the message to show. */
export function parseStockInput(value: string, reserved: number, t: Translate = english): { onHand?: number; error?: string } {
  const trimmed = value.trim();
  if (!/^\d{1,10}$/.test(trimmed)) return { error: t('admin.wholeUnits') };
  const onHand = Number(trimmed);
  // Numbers are formatted for the language by the translator (1,000,000,000 / 1.000.000.000).
  if (onHand > maxOnHand) return { error: t('admin.atMostUnits', { max: maxOnHand }) };
  if (onHand < reserved) return { error: t('admin.belowReserved', { reserved }) };
  return { onHand };
}

/**
 * The catalog's field errors (problem+json `errors`, e.g. `body.price.amount`: "must not be negative") by form field,
 * worded with the field's label: "Price must not be negative". Fields the form does not show are left out.
 */
export function fieldErrorsFromProblem(error: unknown, t: Translate = english, labels: Readonly<Record<string, string>> = productFieldLabels(t)): FieldErrors {
  const errors: FieldErrors = {};
  if (!(error instanceof ApiError)) return errors;
  for (const { field, message } of error.problem.errors ?? []) {
    const name = field.replace(/^body\./, '').split('.')[0] ?? '';
    const label = labels[name];
    if (!label || errors[name]) continue;
    const sentence = message.trim().replace(/\.$/, '');
    // The message is the service's own (English) words; only the label and the punctuation around it are the page's.
    errors[name] = t(/^[a-z]/.test(sentence) ? 'admin.fieldProblem' : 'admin.fieldProblemSentence', { label, message: sentence });
  }
  return errors;
}
