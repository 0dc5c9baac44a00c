import deLayout from './locales/de/layout.json';
import deShop from './locales/de/shop.json';
import enLayout from './locales/en/layout.json';
import enShop from './locales/en/shop.json';
import jaLayout from './locales/ja/layout.json';
import jaShop from './locales/ja/shop.json';

/** The languages the storefront ships messages for; English is the source every other catalogue translates. */
export const supportedLocales = ['en', 'de', 'ja'] as const;
/** A language the storefront ships messages for. */
export type SupportedLocale = (typeof supportedLocales)[number];

/** The source catalogue: its namespaces and keys are the contract every translation must meet. */
const source = { layout: enLayout, shop: enShop };
/** A namespace of messages (one JSON file per language). */
export type Namespace = keyof typeof source;
/** One language's messages: namespace → key → text (plural keys end in `_one`, `_other`... as Intl.PluralRules names them). */
export type MessageCatalogue = Record<Namespace, Record<string, string>>;

/** Every language's messages, as translators edit them in `locales/<lang>/<namespace>.json`. */
export const catalogues: Record<SupportedLocale, MessageCatalogue> = {
  en: source,
  de: { layout: deLayout, shop: deShop },
  ja: { layout: jaLayout, shop: jaShop },
};

type PluralSuffix = `_${Intl.LDMLPluralRule}`;
type BaseKey<K> = K extends `${infer Base}${PluralSuffix}` ? Base : K;
/** A message's name, `namespace.key`, checked against the English catalogue at compile time. */
export type MessageKey = { [N in Namespace]: `${N}.${BaseKey<keyof (typeof source)[N] & string>}` }[Namespace];
