import { catalogues, namespaces, supportedLocales, type Messages } from '../src/i18n/catalogues';
import { createTranslator, negotiateLocale, textDirection } from '../src/i18n/translator';
// The namespaces that ship with their pages' chunks register themselves when loaded.
import '../src/account/account-messages';
import '../src/admin/admin-messages';

const pluralSuffix = /_(zero|one|two|few|many|other)$/;
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]).sort();
const baseKeys = (messages: Record<string, string>) => [...new Set(Object.keys(messages).map((key) => key.replace(pluralSuffix, '')))].sort();
/** A namespace's messages in a language; fails the test when the namespace was never registered. */
const messagesOf = (locale: (typeof supportedLocales)[number], namespace: (typeof namespaces)[number]): Messages => {
  const messages = catalogues[locale][namespace];
  if (!messages) throw new Error(`${locale}/${namespace}.json is not registered`);
  return messages;
};

describe('message catalogues', () => {
  for (const locale of supportedLocales.filter((code) => code !== 'en')) {
    for (const namespace of namespaces) {
      const source = messagesOf('en', namespace);
      const target = messagesOf(locale, namespace);

      it(`when ${locale}/${namespace}.json is compared with English, then it has every key and no other`, () => {
        expect(baseKeys(target)).toEqual(baseKeys(source));
      });

      it(`when ${locale}/${namespace}.json has a plural message, then it has every plural form ${locale} uses and none empty`, () => {
        const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
        const plurals = new Set(Object.keys(source).filter((key) => pluralSuffix.test(key)).map((key) => key.replace(pluralSuffix, '')));
        for (const base of plurals) for (const category of categories) expect(target).toHaveProperty([`${base}_${category}`]);
        for (const [key, text] of Object.entries(target)) expect([key, text.trim()]).not.toEqual([key, '']);
      });

      it(`when ${locale}/${namespace}.json translates a message, then it keeps the English placeholders`, () => {
        for (const [key, text] of Object.entries(target)) {
          const english = source[key] ?? source[`${key.replace(pluralSuffix, '')}_other`];
          expect({ key, placeholders: placeholders(text) }).toEqual({ key, placeholders: placeholders(english) });
        }
      });
    }
  }

  it('when the English catalogue has an empty message, then the test fails', () => {
    for (const namespace of namespaces) for (const text of Object.values(messagesOf('en', namespace))) expect(text.trim()).not.toBe('');
  });

  it('when every chunk has loaded, then every namespace the type knows is registered in every language', () => {
    for (const locale of supportedLocales) expect(Object.keys(catalogues[locale]).sort()).toEqual([...namespaces].sort());
  });
});

describe('translator', () => {
  it('when the browser prefers de-AT then en, then the shop speaks German; with none shipped, English', () => {
    expect(negotiateLocale(['de-AT', 'en'])).toBe('de');
    expect(negotiateLocale(['fr-FR', 'ja-JP'])).toBe('ja');
    expect(negotiateLocale(['fr'])).toBe('en');
    expect(negotiateLocale([])).toBe('en');
  });

  it('when a count is given, then the plural form of the language is chosen and the number formatted for it', () => {
    expect(createTranslator('en')('layout.cartLabel', { count: 1 })).toBe('Cart, 1 item');
    expect(createTranslator('en')('layout.cartLabel', { count: 1200 })).toBe('Cart, 1,200 items');
    expect(createTranslator('de')('layout.cartLabel', { count: 1200 })).toBe('Warenkorb, 1.200 Artikel');
    expect(createTranslator('ja')('layout.cartLabel', { count: 1 })).toBe('カート、1点');
  });

  it('when the language is Arabic, Hebrew, Persian or Urdu, then the direction is rtl', () => {
    for (const locale of ['ar', 'he-IL', 'fa', 'ur']) expect(textDirection(locale)).toBe('rtl');
    for (const locale of ['en', 'de', 'ja']) expect(textDirection(locale)).toBe('ltr');
  });
});
