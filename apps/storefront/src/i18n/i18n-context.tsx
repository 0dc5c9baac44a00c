import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Money } from '@shop/contracts';
import { formatMoney } from '../lib/money';
import { type SupportedLocale } from './catalogues';
import { createTranslator, isSupportedLocale, negotiateLocale, textDirection, type Translate } from './translator';

/** Where the shopper's explicit language choice is kept (the same name a cookie would have). */
export const languageStorageKey = 'shop_lang';

/** The active language and what formats for it: messages, prices, numbers and dates. */
export interface I18n {
  locale: SupportedLocale;
  setLocale: (locale: SupportedLocale) => void;
  t: Translate;
  formatPrice: (money: Money) => string;
  formatNumber: (value: number) => string;
  formatDate: (date: Date | string, options?: Intl.DateTimeFormatOptions) => string;
}

function i18nFor(locale: SupportedLocale, setLocale: (locale: SupportedLocale) => void): I18n {
  const numbers = new Intl.NumberFormat(locale);
  return {
    locale,
    setLocale,
    t: createTranslator(locale),
    formatPrice: (money) => formatMoney(money, locale),
    formatNumber: (value) => numbers.format(value),
    formatDate: (date, options = { dateStyle: 'medium' }) => new Intl.DateTimeFormat(locale, options).format(typeof date === 'string' ? new Date(date) : date),
  };
}

// Outside a provider (a component rendered alone in a test) the app speaks English and changes nothing.
const I18nContext = createContext<I18n>(i18nFor('en', () => undefined));

function storedLocale(): SupportedLocale | undefined {
  try {
    const stored = window.localStorage.getItem(languageStorageKey);
    return isSupportedLocale(stored) ? stored : undefined;
  } catch {
    return undefined; // Storage can be disabled; the browser's language still applies.
  }
}

/** The language a page load starts in: the shopper's stored choice, else the browser's preferred languages, else English. */
export function initialLocale(): SupportedLocale {
  return storedLocale() ?? negotiateLocale(typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language]);
}

/** Provides the active language; keeps `<html lang dir>` in step and remembers an explicit choice. */
export function I18nProvider({ children, locale: fixedLocale }: { children: ReactNode; locale?: SupportedLocale }) {
  const [locale, setLocaleState] = useState<SupportedLocale>(() => fixedLocale ?? initialLocale());
  const setLocale = useCallback((next: SupportedLocale) => {
    setLocaleState(next);
    try {
      window.localStorage.setItem(languageStorageKey, next);
    } catch {
      // Not remembered across visits; this visit still switches.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dir = textDirection(locale);
  }, [locale]);
  const value = useMemo(() => i18nFor(locale, setLocale), [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The active language, its translator and its formatters. */
export function useI18n(): I18n {
  return useContext(I18nContext);
}
