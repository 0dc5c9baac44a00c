import { acceptedLanguages, type ContentLanguage } from '@shop/contracts';

/**
 * The languages of the catalog's product texts: `base` is the language of every product's own name and description
 * (what a supplier sends, and what a shopper reads when a product has no text in theirs); `translated` are the others
 * a product may carry a translation in.
 */
export interface ProductLanguages {
  base: ContentLanguage;
  translated: readonly ContentLanguage[];
}

/** English texts, with German and Japanese translations: the languages the storefront ships. */
export const defaultProductLanguages: ProductLanguages = { base: 'en', translated: ['de', 'ja'] };

/** What chose the language of an answer; only `query` (the URL) makes it the same for everyone who asks for that URL. */
export type LanguageSelection = 'query' | 'accept-language' | 'market' | 'default';

/** What a request says about the language it wants, in the order the hints are tried. */
export interface LanguageHints {
  /** `?lang=` */
  query?: string;
  /** The `Accept-Language` header. */
  acceptLanguage?: string;
  /** The default locale of the request's market (`ja-JP`...). */
  marketLocale?: string;
}

/** The language of a request's product texts, or the explicit `?lang=` the catalog has no texts in. */
export type LanguageResolution = { kind: 'resolved'; language: ContentLanguage; selectedBy: LanguageSelection } | { kind: 'unknown_language'; requested: string };

/** Every language the catalog has texts in, the base first. */
export function languagesOf(languages: ProductLanguages): ContentLanguage[] {
  return [languages.base, ...languages.translated];
}

/**
 * The language of a request's product texts: `?lang=` (one of the catalog's languages, else the answer says it is
 * unknown, never silently another), else the first language of `Accept-Language` (by quality) the catalog has, else
 * the market's language, else the base language. Regions do not matter: `de-AT` reads the German texts.
 */
export function resolveProductLanguage(hints: LanguageHints, languages: ProductLanguages): LanguageResolution {
  const known = languagesOf(languages);
  const requested = hints.query?.trim();
  if (requested) {
    const language = requested.toLowerCase();
    return known.includes(language) ? { kind: 'resolved', language, selectedBy: 'query' } : { kind: 'unknown_language', requested };
  }
  const accepted = acceptedLanguages(hints.acceptLanguage ?? '')
    .map((tag) => tag.split('-')[0].toLowerCase())
    .find((language) => known.includes(language));
  if (accepted) return { kind: 'resolved', language: accepted, selectedBy: 'accept-language' };
  const ofMarket = hints.marketLocale?.split('-')[0].toLowerCase();
  if (ofMarket && known.includes(ofMarket)) return { kind: 'resolved', language: ofMarket, selectedBy: 'market' };
  return { kind: 'resolved', language: languages.base, selectedBy: 'default' };
}
