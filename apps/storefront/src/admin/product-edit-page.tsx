import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError, describeApiError } from '../api/api-error';
import type { VersionedProduct } from '../api/admin-api';
import { productStatuses, type ProductStatus } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { formatMoney } from '../lib/money';
import type { FieldErrors } from '../lib/validation';
import { Alert, Field, PageHeading, SelectField, Spinner, TextAreaField } from '../ui/components';
import {
  editFormFromProduct,
  fieldErrorsFromProblem,
  parseStockInput,
  productPatchFromForm,
  productStatusLabels,
  rebaseEditForm,
  type ProductEditForm,
} from './product-form';

type Notice = { tone: 'success' | 'info'; text: string };
type Busy = 'save' | 'stock' | 'archive';

/**
 * Edits a product with optimistic concurrency: every write sends the ETag this page loaded (or got back from its
 * last write). When someone else changed the product meanwhile (412), the page shows the current values and lets
 * the admin start again from them; nothing is overwritten silently.
 */
export function ProductEditPage() {
  const { id = '' } = useParams();
  const { admin } = useApp();
  const location = useLocation();
  const [loaded, setLoaded] = useState<VersionedProduct>();
  const [form, setForm] = useState<ProductEditForm>();
  const [stockText, setStockText] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<Notice | undefined>(() => {
    const text = (location.state as { notice?: unknown } | null)?.notice;
    return typeof text === 'string' ? { tone: 'success', text } : undefined;
  });
  const [failure, setFailure] = useState<string>();
  const [stockError, setStockError] = useState<string>();
  const [conflict, setConflict] = useState<VersionedProduct>();
  const [busy, setBusy] = useState<Busy>();

  const show = (versioned: VersionedProduct) => {
    setLoaded(versioned);
    setForm(editFormFromProduct(versioned.product));
    setStockText(String(versioned.product.inventory.onHand));
    setErrors({});
    setStockError(undefined);
  };

  useEffect(() => {
    let current = true;
    setLoaded(undefined);
    setFailure(undefined);
    admin.product(id).then(
      (versioned) => current && show(versioned),
      (caught: unknown) => current && setFailure(describeApiError(caught)),
    );
    return () => {
      current = false;
    };
  }, [admin, id]);

  /** Runs one write with the current ETag; keeps the answer's product and ETag, or explains why it failed. */
  const write = async (kind: Busy, send: (etag: string) => Promise<VersionedProduct>, done: (before: VersionedProduct, after: VersionedProduct) => void) => {
    if (!loaded) return;
    setBusy(kind);
    setNotice(undefined);
    setFailure(undefined);
    setStockError(undefined);
    setConflict(undefined);
    try {
      const after = await send(loaded.etag);
      setLoaded(after);
      done(loaded, after);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 412) {
        try {
          setConflict(await admin.product(id));
        } catch (reloadError) {
          setFailure(`Someone else changed this product, and reading the current version failed: ${describeApiError(reloadError)}`);
        }
      } else if (kind === 'stock') {
        // E.g. 409: the new stock is below what orders hold now.
        setStockError(describeApiError(caught));
      } else {
        const fields = fieldErrorsFromProblem(caught);
        setErrors(fields);
        setFailure(Object.keys(fields).length > 0 ? 'Please correct the highlighted fields.' : describeApiError(caught));
      }
    } finally {
      setBusy(undefined);
    }
  };

  if (!loaded || !form) return failure ? <Alert>{failure}</Alert> : <Spinner label="Loading the product…" />;
  const { product } = loaded;

  const change = <K extends keyof ProductEditForm>(field: K, value: ProductEditForm[K]) => setForm((current) => current && { ...current, [field]: value });

  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { patch, errors: found } = productPatchFromForm(form, product);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setNotice(undefined);
      setFailure('Please correct the highlighted fields.');
      return;
    }
    if (Object.keys(patch).length === 0) {
      setFailure(undefined);
      setNotice({ tone: 'info', text: 'Nothing to save: no field was changed.' });
      return;
    }
    void write(
      'save',
      (etag) => admin.updateProduct(id, patch, etag),
      (_before, after) => {
        setForm(editFormFromProduct(after.product));
        setNotice({ tone: 'success', text: 'Saved.' });
      },
    );
  };

  const updateStock = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const stock = parseStockInput(stockText, product.inventory.reserved);
    setStockError(stock.error);
    if (stock.onHand === undefined) return;
    const onHand = stock.onHand;
    void write(
      'stock',
      (etag) => admin.setStock(id, onHand, etag),
      (before, after) => {
        setForm((current) => current && rebaseEditForm(current, before.product, after.product));
        setStockText(String(after.product.inventory.onHand));
        setNotice({ tone: 'success', text: 'Stock updated.' });
      },
    );
  };

  const archive = () => {
    if (!window.confirm(`Archive “${product.name}”? Shoppers will no longer see it; you can make it active again later.`)) return;
    void write(
      'archive',
      (etag) => admin.archiveProduct(id, etag),
      (before, after) => {
        setForm((current) => current && rebaseEditForm(current, before.product, after.product));
        setNotice({ tone: 'success', text: 'Product archived.' });
      },
    );
  };

  const adoptCurrentValues = () => {
    if (!conflict) return;
    show(conflict);
    setConflict(undefined);
    setNotice({ tone: 'info', text: 'The form now shows the current values. Apply your change again and save.' });
  };

  return (
    <section className="admin-form-page">
      <p className="breadcrumb">
        <Link to="/admin/products">Products</Link>
      </p>
      <PageHeading>Edit {product.name}</PageHeading>
      <p className="muted">
        SKU <code>{product.sku}</code> · version {product.version} · {productStatusLabels[product.status]}
        {product.status === 'active' && (
          <>
            {' · '}
            <Link to={`/products/${product.id}`}>View in the shop</Link>
          </>
        )}
      </p>
      {product.source && (
        <Alert tone="info">
          This product is synced from {product.source}: the next sync replaces what you change here with the source’s data.
        </Alert>
      )}

      <div aria-live="polite">{notice && <Alert tone={notice.tone}>{notice.text}</Alert>}</div>
      {failure && <Alert>{failure}</Alert>}
      {conflict && (
        <Alert>
          <p className="admin-alert-title">
            <strong>Someone else changed this product</strong> while you were editing it, so your change was not saved.
          </p>
          <p>The current values (version {conflict.product.version}):</p>
          <dl className="admin-values" data-testid="current-values">
            <div>
              <dt>Name</dt>
              <dd>{conflict.product.name}</dd>
            </div>
            <div>
              <dt>Price</dt>
              <dd>{formatMoney(conflict.product.price)}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>{productStatusLabels[conflict.product.status]}</dd>
            </div>
            <div>
              <dt>Brand</dt>
              <dd>{conflict.product.brand ?? '–'}</dd>
            </div>
            <div>
              <dt>Stock on hand</dt>
              <dd>{conflict.product.inventory.onHand}</dd>
            </div>
          </dl>
          <p>Your edits are still in the form below.</p>
          <button type="button" className="button" onClick={adoptCurrentValues}>
            Use the current values
          </button>
        </Alert>
      )}

      <form className="admin-form" onSubmit={save} noValidate aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <Field label="Name" value={form.name} error={errors.name} onChange={(event) => change('name', event.target.value)} required />
        <TextAreaField label="Description" value={form.description} error={errors.description} onChange={(event) => change('description', event.target.value)} />
        <div className="admin-form-grid">
          <Field label="Brand" value={form.brand} error={errors.brand} onChange={(event) => change('brand', event.target.value)} />
          <Field
            label="Price"
            inputMode="decimal"
            value={form.price}
            error={errors.price}
            hint={`In ${product.price.currency}.`}
            onChange={(event) => change('price', event.target.value)}
            required
          />
          <SelectField label="Status" value={form.status} error={errors.status} onChange={(event) => change('status', event.target.value as ProductStatus)}>
            {productStatuses.map((status) => (
              <option key={status} value={status}>
                {productStatusLabels[status]}
              </option>
            ))}
          </SelectField>
        </div>
        <button type="submit" className="button primary" disabled={busy !== undefined}>
          {busy === 'save' ? 'Saving…' : 'Save changes'}
        </button>
      </form>

      <form className="admin-form" onSubmit={updateStock} noValidate aria-labelledby="stock-heading">
        <h2 id="stock-heading">Stock</h2>
        <p data-testid="reserved">Reserved: {product.inventory.reserved}</p>
        <div className="admin-inline-form">
          <Field
            label="Stock on hand"
            type="number"
            inputMode="numeric"
            min={product.inventory.reserved}
            step={1}
            value={stockText}
            error={stockError}
            onChange={(event) => setStockText(event.target.value)}
          />
          <button type="submit" className="button" disabled={busy !== undefined}>
            {busy === 'stock' ? 'Updating…' : 'Update stock'}
          </button>
        </div>
      </form>

      {product.status !== 'archived' && (
        <section className="admin-danger" aria-labelledby="archive-heading">
          <h2 id="archive-heading">Archive</h2>
          <p>Archived products stay in orders and reports but are no longer shown or sold.</p>
          <button type="button" className="button danger" onClick={archive} disabled={busy !== undefined}>
            {busy === 'archive' ? 'Archiving…' : 'Archive product'}
          </button>
        </section>
      )}
    </section>
  );
}
