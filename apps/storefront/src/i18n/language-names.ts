import type { SupportedLocale } from './catalogues';

/** Each language named in itself, as a language switch lists them (a shopper looks for their own). */
export const languageNames: Record<SupportedLocale, string> = { en: 'English', de: 'Deutsch', ja: '日本語' };
