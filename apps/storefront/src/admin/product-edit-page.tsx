import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError, describeApiError } from '../api/api-error';
import type { VersionedProduct } from '../api/admin-api';
import { productStatuses, type ProductStatus } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { withElements } from '../i18n/message-elements';
import type { FieldErrors } from '../lib/validation';
import { Alert, Field, PageHeading, SelectField, Spinner, TextAreaField } from '../ui/components';
import { MarketPricesFieldset, useMarkets } from './market-prices';
import { TranslationsFieldset } from './product-translations';
import { ProductImagesSection } from './product-images-section';
import {
  editFormFromProduct,
  fieldErrorsFromProblem,
  marketPriceCurrencies,
  parseStockInput,
  productPatchFromForm,
  productStatusLabel,
  rebaseEditForm,
  type ProductEditForm,
} from './product-form';
import './admin-messages';

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
  const { t, formatPrice, formatNumber } = useI18n();
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
  const markets = useMarkets();

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
      (caught: unknown) => current && setFailure(describeApiError(caught, t)),
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
          setFailure(t('admin.conflictReloadFailed', { error: describeApiError(reloadError, t) }));
        }
      } else if (kind === 'stock') {
        // E.g. 409: the new stock is below what orders hold now.
        setStockError(describeApiError(caught, t));
      } else {
        const fields = fieldErrorsFromProblem(caught, t);
        setErrors(fields);
        setFailure(Object.keys(fields).length > 0 ? t('errors.correctFields') : describeApiError(caught, t));
      }
    } finally {
      setBusy(undefined);
    }
  };

  if (!loaded || !form) return failure ? <Alert>{failure}</Alert> : <Spinner label={t('admin.loadingProduct')} />;
  const { product } = loaded;
  const marketCurrencies = marketPriceCurrencies(markets, product.price.currency);

  const change = <K extends keyof ProductEditForm>(field: K, value: ProductEditForm[K]) => setForm((current) => current && { ...current, [field]: value });

  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { patch, errors: found } = productPatchFromForm(form, product, t, marketCurrencies);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setNotice(undefined);
      setFailure(t('errors.correctFields'));
      return;
    }
    if (Object.keys(patch).length === 0) {
      setFailure(undefined);
      setNotice({ tone: 'info', text: t('admin.nothingToSave') });
      return;
    }
    void write(
      'save',
      (etag) => admin.updateProduct(id, patch, etag),
      (_before, after) => {
        setForm(editFormFromProduct(after.product));
        setNotice({ tone: 'success', text: t('admin.saved') });
      },
    );
  };

  const updateStock = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const stock = parseStockInput(stockText, product.inventory.reserved, t);
    setStockError(stock.error);
    if (stock.onHand === undefined) return;
    const onHand = stock.onHand;
    void write(
      'stock',
      (etag) => admin.setStock(id, onHand, etag),
      (before, after) => {
        setForm((current) => current && rebaseEditForm(current, before.product, after.product));
        setStockText(String(after.product.inventory.onHand));
        setNotice({ tone: 'success', text: t('admin.stockUpdated') });
      },
    );
  };

  const archive = () => {
    if (!window.confirm(t('admin.confirmArchive', { name: product.name }))) return;
    void write(
      'archive',
      (etag) => admin.archiveProduct(id, etag),
      (before, after) => {
        setForm((current) => current && rebaseEditForm(current, before.product, after.product));
        setNotice({ tone: 'success', text: t('admin.productArchived') });
      },
    );
  };

  /** Reads the product again after its images changed (new images, version and ETag); the fields being edited keep their edits. */
  const reloadAfterImageChange = async () => {
    try {
      const after = await admin.product(id);
      setLoaded(after);
      setForm((current) => current && rebaseEditForm(current, product, after.product));
    } catch (caught) {
      setFailure(describeApiError(caught, t));
    }
  };

  const adoptCurrentValues = () => {
    if (!conflict) return;
    show(conflict);
    setConflict(undefined);
    setNotice({ tone: 'info', text: t('admin.adoptedCurrentValues') });
  };

  return (
    <section className="admin-form-page">
      <p className="breadcrumb">
        <Link to="/admin/products">{t('admin.products')}</Link>
      </p>
      <PageHeading>{t('admin.editHeading', { name: product.name })}</PageHeading>
      <p className="muted">
        {t('admin.sku')} <code>{product.sku}</code> · {t('admin.version', { version: product.version })} · {productStatusLabel(product.status, t)}
        {product.status === 'active' && (
          <>
            {' · '}
            <Link to={`/products/${product.id}`}>{t('admin.viewInShop')}</Link>
          </>
        )}
      </p>
      {product.source && (
        <Alert tone="info">
          {t('admin.syncedFrom', { source: product.source })}
        </Alert>
      )}

      <div aria-live="polite">{notice && <Alert tone={notice.tone}>{notice.text}</Alert>}</div>
      {failure && <Alert>{failure}</Alert>}
      {conflict && (
        <Alert>
          <p className="admin-alert-title">
            {withElements(t('admin.conflictSentence'), { title: <strong>{t('admin.conflictTitle')}</strong> })}
          </p>
          <p>{t('admin.currentValues', { version: conflict.product.version })}</p>
          <dl className="admin-values" data-testid="current-values">
            <div>
              <dt>{t('admin.name')}</dt>
              <dd>{conflict.product.name}</dd>
            </div>
            <div>
              <dt>{t('admin.price')}</dt>
              <dd>{formatPrice(conflict.product.price)}</dd>
            </div>
            <div>
              <dt>{t('admin.status')}</dt>
              <dd>{productStatusLabel(conflict.product.status, t)}</dd>
            </div>
            <div>
              <dt>{t('admin.brand')}</dt>
              <dd>{conflict.product.brand ?? '–'}</dd>
            </div>
            <div>
              <dt>{t('admin.stockOnHand')}</dt>
              <dd>{formatNumber(conflict.product.inventory.onHand)}</dd>
            </div>
          </dl>
          <p>{t('admin.editsKept')}</p>
          <button type="button" className="button" onClick={adoptCurrentValues}>
            {t('admin.useCurrentValues')}
          </button>
        </Alert>
      )}

      <form className="admin-form" onSubmit={save} noValidate aria-labelledby="details-heading">
        <h2 id="details-heading">{t('admin.details')}</h2>
        <Field label={t('admin.name')} value={form.name} error={errors.name} onChange={(event) => change('name', event.target.value)} required />
        <TextAreaField label={t('admin.description')} value={form.description} error={errors.description} onChange={(event) => change('description', event.target.value)} />
        <div className="admin-form-grid">
          <Field label={t('admin.brand')} value={form.brand} error={errors.brand} onChange={(event) => change('brand', event.target.value)} />
          <Field
            label={t('admin.price')}
            inputMode="decimal"
            value={form.price}
            error={errors.price}
            hint={t('admin.priceIn', { currency: product.price.currency })}
            onChange={(event) => change('price', event.target.value)}
            required
          />
          <SelectField label={t('admin.status')} value={form.status} error={errors.status} onChange={(event) => change('status', event.target.value as ProductStatus)}>
            {productStatuses.map((status) => (
              <option key={status} value={status}>
                {productStatusLabel(status, t)}
              </option>
            ))}
          </SelectField>
        </div>
        <MarketPricesFieldset
          currencies={marketCurrencies}
          values={form.marketPrices}
          errors={errors}
          derived={product.prices.filter((price) => price.derived)}
          onChange={(currency, value) => change('marketPrices', { ...form.marketPrices, [currency]: value })}
        />
        <TranslationsFieldset
          values={form.translations}
          errors={errors}
          onChange={(language, field, value) => change('translations', { ...form.translations, [language]: { name: '', description: '', ...form.translations[language], [field]: value } })}
        />
        <button type="submit" className="button primary" disabled={busy !== undefined}>
          {busy === 'save' ? t('admin.saving') : t('admin.saveChanges')}
        </button>
      </form>

      <form className="admin-form" onSubmit={updateStock} noValidate aria-labelledby="stock-heading">
        <h2 id="stock-heading">{t('admin.stock')}</h2>
        <p data-testid="reserved">{t('admin.reserved', { count: product.inventory.reserved })}</p>
        <div className="admin-inline-form">
          <Field
            label={t('admin.stockOnHand')}
            type="number"
            inputMode="numeric"
            min={product.inventory.reserved}
            step={1}
            value={stockText}
            error={stockError}
            onChange={(event) => setStockText(event.target.value)}
          />
          <button type="submit" className="button" disabled={busy !== undefined}>
            {busy === 'stock' ? t('admin.updating') : t('admin.updateStock')}
          </button>
        </div>
      </form>

      <ProductImagesSection product={product} onChanged={reloadAfterImageChange} />

      {product.status !== 'archived' && (
        <section className="admin-danger" aria-labelledby="archive-heading">
          <h2 id="archive-heading">{t('admin.archive')}</h2>
          <p>{t('admin.archiveExplained')}</p>
          <button type="button" className="button danger" onClick={archive} disabled={busy !== undefined}>
            {busy === 'archive' ? t('admin.archiving') : t('admin.archiveProduct')}
          </button>
        </section>
      )}
    </section>
  );
}
