import deErrors from './locales/de/errors.json';
import deLayout from './locales/de/layout.json';
import deShop from './locales/de/shop.json';
import enErrors from './locales/en/errors.json';
import enLayout from './locales/en/layout.json';
import enShop from './locales/en/shop.json';
import jaErrors from './locales/ja/errors.json';
import jaLayout from './locales/ja/layout.json';
import jaShop from './locales/ja/shop.json';
// Types only (they erase): the account and back-office messages ship with their own chunks, not the first page.
import type enAccount from './locales/en/account.json';
import type enAdmin from './locales/en/admin.json';

/** The languages the storefront ships messages for; English is the source every other catalogue translates. */
export const supportedLocales = ['en', 'de', 'ja'] as const;
/** A language the storefront ships messages for. */
export type SupportedLocale = (typeof supportedLocales)[number];

/** The namespaces the first page carries: the layout, the shop and the error messages every page may show. */
const firstPageSource = { layout: enLayout, shop: enShop, errors: enErrors };
/** The source catalogue: its namespaces and keys are the contract every translation must meet. */
type Source = typeof firstPageSource & { account: typeof enAccount; admin: typeof enAdmin };
/** A namespace of messages (one JSON file per language). */
export type Namespace = keyof Source;
/** A namespace that ships with the pages that use it (`account-messages.ts`, `admin-messages.ts`), not with the first page. */
export type LazyNamespace = Exclude<Namespace, keyof typeof firstPageSource>;
/** Every namespace, as the catalogue test checks them. */
export const namespaces: readonly Namespace[] = ['layout', 'shop', 'errors', 'account', 'admin'];
/** One namespace's messages: key → text (plural keys end in `_one`, `_other`... as Intl.PluralRules names them). */
export type Messages = Record<string, string>;
/** One language's messages: namespace → key → text; a lazy namespace is absent until its chunk has loaded. */
export type MessageCatalogue = Record<keyof typeof firstPageSource, Messages> & Partial<Record<LazyNamespace, Messages>>;

/** Every language's messages, as translators edit them in `locales/<lang>/<namespace>.json`. */
export const catalogues: Record<SupportedLocale, MessageCatalogue> = {
  en: { ...firstPageSource },
  de: { layout: deLayout, shop: deShop, errors: deErrors },
  ja: { layout: jaLayout, shop: jaShop, errors: jaErrors },
};

/**
 * Adds a lazily loaded namespace in every language. The chunk that uses the messages calls it when it loads, before
 * any of its components renders, so a page never shows a key.
 */
export function registerMessages(namespace: LazyNamespace, messages: Record<SupportedLocale, Messages>): void {
  for (const locale of supportedLocales) catalogues[locale][namespace] = messages[locale];
}

type PluralSuffix = `_${Intl.LDMLPluralRule}`;
type BaseKey<K> = K extends `${infer Base}${PluralSuffix}` ? Base : K;
/** A message's name, `namespace.key`, checked against the English catalogue at compile time. */
export type MessageKey = { [N in Namespace]: `${N}.${BaseKey<keyof Source[N] & string>}` }[Namespace];
