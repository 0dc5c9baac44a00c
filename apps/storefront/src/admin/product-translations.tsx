import { useI18n } from '../i18n/i18n-context';
import type { FieldErrors } from '../lib/validation';
import { Field, TextAreaField } from '../ui/components';
import { translationField, translationLanguages, type TranslationInput, type TranslationInputs, type TranslationLanguage } from './product-form';
import './admin-messages';

const languageNamesByLocale = new Map<string, Intl.DisplayNames | undefined>();

/** A language's name in the back office's language ("German", "Deutsch", "ドイツ語"); its code where the browser has no Intl.DisplayNames. */
function languageName(language: string, locale: string): string {
  if (!languageNamesByLocale.has(locale)) languageNamesByLocale.set(locale, typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(locale, { type: 'language' }) : undefined);
  return languageNamesByLocale.get(locale)?.of(language) ?? language;
}

export interface TranslationsFieldsetProps {
  values: TranslationInputs;
  errors: FieldErrors;
  onChange: (language: TranslationLanguage, field: keyof TranslationInput, value: string) => void;
}

/** "Translations": name and description per other language; a language left empty shows the base texts. */
export function TranslationsFieldset({ values, errors, onChange }: TranslationsFieldsetProps) {
  const { t, locale } = useI18n();
  return (
    <fieldset className="admin-translations">
      <legend>{t('admin.translations')}</legend>
      <p className="muted small">{t('admin.translationsExplained')}</p>
      {errors.translations && <p className="field-error">{errors.translations}</p>}
      {translationLanguages.map((language) => {
        const name = languageName(language, locale);
        return (
          <div key={language} className="admin-translation">
            <Field
              label={t('admin.translationName', { language: name })}
              lang={language}
              value={values[language]?.name ?? ''}
              error={errors[translationField(language, 'name')]}
              onChange={(event) => onChange(language, 'name', event.target.value)}
            />
            <TextAreaField
              label={t('admin.translationDescription', { language: name })}
              lang={language}
              rows={3}
              value={values[language]?.description ?? ''}
              error={errors[translationField(language, 'description')]}
              onChange={(event) => onChange(language, 'description', event.target.value)}
            />
          </div>
        );
      })}
    </fieldset>
  );
}
