import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import type { FieldErrors } from '../lib/validation';
import { Alert, Field, PageHeading, SelectField, TextAreaField } from '../ui/components';
import { emptyNewProductForm, fieldErrorsFromProblem, newProductInputFromForm, productCurrencies, type NewProductForm } from './product-form';

/** Creates a product (draft or active), checked here first; the catalog's field errors are shown beside the fields. */
export function ProductCreatePage() {
  const { admin } = useApp();
  const navigate = useNavigate();
  const [form, setForm] = useState<NewProductForm>(emptyNewProductForm);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string>();
  const [saving, setSaving] = useState(false);

  const change = <K extends keyof NewProductForm>(field: K, value: NewProductForm[K]) => setForm((current) => ({ ...current, [field]: value }));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { input, errors: found } = newProductInputFromForm(form);
    setErrors(found);
    setFailure(undefined);
    if (!input) {
      setFailure('Please correct the highlighted fields.');
      return;
    }
    setSaving(true);
    try {
      const created = await admin.createProduct(input);
      void navigate(`/admin/products/${created.product.id}`, { state: { notice: 'Product created.' } });
    } catch (caught) {
      const fields = fieldErrorsFromProblem(caught);
      setErrors(fields);
      setFailure(Object.keys(fields).length > 0 ? 'Please correct the highlighted fields.' : describeApiError(caught));
      setSaving(false);
    }
  };

  return (
    <section className="admin-form-page">
      <p className="breadcrumb">
        <Link to="/admin/products">Products</Link>
      </p>
      <PageHeading>New product</PageHeading>
      {failure && <Alert>{failure}</Alert>}
      <form className="admin-form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="admin-form-grid">
          <Field label="SKU" value={form.sku} error={errors.sku} onChange={(event) => change('sku', event.target.value)} autoComplete="off" required />
          <Field label="Name" value={form.name} error={errors.name} onChange={(event) => change('name', event.target.value)} required />
        </div>
        <TextAreaField label="Description" value={form.description} error={errors.description} onChange={(event) => change('description', event.target.value)} />
        <div className="admin-form-grid">
          <Field label="Brand" value={form.brand} error={errors.brand} onChange={(event) => change('brand', event.target.value)} />
          <Field
            label="Category slug"
            value={form.category}
            error={errors.category}
            hint="Optional, e.g. desk-lamps."
            onChange={(event) => change('category', event.target.value)}
            autoComplete="off"
          />
          <Field label="Price" inputMode="decimal" value={form.price} error={errors.price} hint="For example 12.99." onChange={(event) => change('price', event.target.value)} required />
          <SelectField label="Currency" value={form.currency} error={errors.currency} onChange={(event) => change('currency', event.target.value)}>
            {productCurrencies.map((currency) => (
              <option key={currency} value={currency}>
                {currency}
              </option>
            ))}
          </SelectField>
          <SelectField label="Status" value={form.status} error={errors.status} onChange={(event) => change('status', event.target.value as NewProductForm['status'])}>
            <option value="draft">Draft</option>
            <option value="active">Active</option>
          </SelectField>
        </div>
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Creating…' : 'Create product'}
        </button>
      </form>
    </section>
  );
}
