import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import type { FieldErrors } from '../lib/validation';
import { Alert, Field, PageHeading, SelectField, TextAreaField } from '../ui/components';
import { MarketPricesFieldset, useMarkets } from './market-prices';
import { TranslationsFieldset } from './product-translations';
import { emptyNewProductForm, fieldErrorsFromProblem, marketPriceCurrencies, newProductInputFromForm, productCurrencies, productStatusLabel, type NewProductForm } from './product-form';
import './admin-messages';

/** Creates a product (draft or active), checked here first; the catalog's field errors are shown beside the fields. */
export function ProductCreatePage() {
  const { admin } = useApp();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [form, setForm] = useState<NewProductForm>(emptyNewProductForm);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string>();
  const [saving, setSaving] = useState(false);
  const markets = useMarkets();
  const marketCurrencies = marketPriceCurrencies(markets, form.currency);

  const change = <K extends keyof NewProductForm>(field: K, value: NewProductForm[K]) => setForm((current) => ({ ...current, [field]: value }));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { input, errors: found } = newProductInputFromForm(form, t, marketCurrencies);
    setErrors(found);
    setFailure(undefined);
    if (!input) {
      setFailure(t('errors.correctFields'));
      return;
    }
    setSaving(true);
    try {
      const created = await admin.createProduct(input);
      void navigate(`/admin/products/${created.product.id}`, { state: { notice: t('admin.productCreated') } });
    } catch (caught) {
      const fields = fieldErrorsFromProblem(caught, t);
      setErrors(fields);
      setFailure(Object.keys(fields).length > 0 ? t('errors.correctFields') : describeApiError(caught, t));
      setSaving(false);
    }
  };

  return (
    <section className="admin-form-page">
      <p className="breadcrumb">
        <Link to="/admin/products">{t('admin.products')}</Link>
      </p>
      <PageHeading>{t('admin.newProduct')}</PageHeading>
      {failure && <Alert>{failure}</Alert>}
      <form className="admin-form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="admin-form-grid">
          <Field label={t('admin.sku')} value={form.sku} error={errors.sku} onChange={(event) => change('sku', event.target.value)} autoComplete="off" required />
          <Field label={t('admin.name')} value={form.name} error={errors.name} onChange={(event) => change('name', event.target.value)} required />
        </div>
        <TextAreaField label={t('admin.description')} value={form.description} error={errors.description} onChange={(event) => change('description', event.target.value)} />
        <div className="admin-form-grid">
          <Field label={t('admin.brand')} value={form.brand} error={errors.brand} onChange={(event) => change('brand', event.target.value)} />
          <Field
            label={t('admin.categorySlug')}
            value={form.category}
            error={errors.category}
            hint={t('admin.categoryHint')}
            onChange={(event) => change('category', event.target.value)}
            autoComplete="off"
          />
          <Field label={t('admin.price')} inputMode="decimal" value={form.price} error={errors.price} hint={t('admin.priceHint')} onChange={(event) => change('price', event.target.value)} required />
          <SelectField label={t('admin.currency')} value={form.currency} error={errors.currency} onChange={(event) => change('currency', event.target.value)}>
            {productCurrencies.map((currency) => (
              <option key={currency} value={currency}>
                {currency}
              </option>
            ))}
          </SelectField>
          <SelectField label={t('admin.status')} value={form.status} error={errors.status} onChange={(event) => change('status', event.target.value as NewProductForm['status'])}>
            <option value="draft">{productStatusLabel('draft', t)}</option>
            <option value="active">{productStatusLabel('active', t)}</option>
          </SelectField>
        </div>
        <MarketPricesFieldset
          currencies={marketCurrencies}
          values={form.marketPrices}
          errors={errors}
          onChange={(currency, value) => change('marketPrices', { ...form.marketPrices, [currency]: value })}
        />
        <TranslationsFieldset
          values={form.translations}
          errors={errors}
          onChange={(language, field, value) => change('translations', { ...form.translations, [language]: { name: '', description: '', ...form.translations[language], [field]: value } })}
        />
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? t('admin.creating') : t('admin.createProduct')}
        </button>
      </form>
    </section>
  );
}
