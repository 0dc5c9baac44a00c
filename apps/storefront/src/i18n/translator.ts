import { catalogues, supportedLocales, type MessageKey, type Namespace, type SupportedLocale } from './catalogues';

/** Values a message interpolates as `{{name}}`; `count` also picks the plural form. */
export type MessageValues = Record<string, string | number>;
/** Looks a message up in the active language and fills in its placeholders. */
export type Translate = (key: MessageKey, values?: MessageValues) => string;

/** Languages written right to left: `<html dir>` follows them even though none ships yet. */
const rightToLeftLanguages = new Set(['ar', 'he', 'fa', 'ur']);

/** The writing direction of a language tag. */
export function textDirection(locale: string): 'ltr' | 'rtl' {
  return rightToLeftLanguages.has(locale.split('-')[0].toLowerCase()) ? 'rtl' : 'ltr';
}

/** Whether a tag names a shipped language exactly (`de`) rather than by region (`de-AT`). */
export function isSupportedLocale(tag: string | null | undefined): tag is SupportedLocale {
  return (supportedLocales as readonly string[]).includes(tag ?? '');
}

/** The first of the browser's preferred languages (`navigator.languages`) that ships, by language, else English. */
export function negotiateLocale(preferred: readonly string[]): SupportedLocale {
  for (const tag of preferred) {
    const language = contentLanguageOf(tag);
    if (language) return language;
  }
  return 'en';
}

/** The language of a tag (`ja-JP` → `ja`) when the storefront ships it, as the catalog's `?lang=` names it; else undefined. */
export function contentLanguageOf(tag: string): SupportedLocale | undefined {
  const language = tag.split('-')[0].toLowerCase();
  return isSupportedLocale(language) ? language : undefined;
}

const pluralRules = new Map<string, Intl.PluralRules>();

/** A translator for one language: a missing message falls back to English, then to its key (never a crash). */
export function createTranslator(locale: SupportedLocale): Translate {
  const rules = pluralRules.get(locale) ?? new Intl.PluralRules(locale);
  pluralRules.set(locale, rules);
  const numbers = new Intl.NumberFormat(locale);
  return (key, values) => {
    const [namespace, name] = key.split('.') as [Namespace, string];
    const lookup = (lang: SupportedLocale): string | undefined => {
      const messages = catalogues[lang][namespace];
      if (!messages) return undefined;
      if (values && typeof values.count === 'number') {
        const form = messages[`${name}_${(lang === locale ? rules : new Intl.PluralRules(lang)).select(values.count)}`] ?? messages[`${name}_other`];
        if (form !== undefined) return form;
      }
      return messages[name];
    };
    const text = lookup(locale) ?? lookup('en') ?? key;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (placeholder, variable: string) => {
      const value = values?.[variable];
      if (value === undefined) return placeholder;
      return typeof value === 'number' ? numbers.format(value) : value;
    });
  };
}
