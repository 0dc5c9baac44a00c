import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { describeApiError } from '../api/api-error';
import type { ProductView } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { availabilityLabel } from '../lib/availability';
import { useI18n } from '../i18n/i18n-context';
import { Alert, PageHeading, Price, ProductImage, Spinner } from '../ui/components';
import { useAddToCart } from './use-add-to-cart';

/** Most units one "add to cart" offers; the cart service enforces its own line limit. */
const maxQuantityChoice = 10;

export function ProductPage() {
  const { ref = '' } = useParams();
  const { shop } = useApp();
  const { t, locale } = useI18n();
  const [product, setProduct] = useState<ProductView>();
  const [error, setError] = useState<string>();
  const [imageIndex, setImageIndex] = useState(0);
  const [quantity, setQuantity] = useState(1);
  const { add, adding, result } = useAddToCart();

  useEffect(() => {
    setProduct(undefined);
    setError(undefined);
    setImageIndex(0);
    shop.product(ref).then(setProduct, (caught: unknown) => setError(describeApiError(caught, t)));
  }, [shop, ref]);

  if (error) return <Alert>{error}</Alert>;
  if (!product) return <Spinner label={t('shop.loadingProduct')} />;

  const stock = availabilityLabel(product.availability, t);
  // Untranslated texts are in the catalog's base language: say so, for screen readers and hyphenation.
  const textLanguage = product.language && product.language !== locale ? product.language : undefined;
  // imageUrls lists the uploaded images first (each one's 640 px JPEG), in the order of `images`, then external URLs.
  const images = product.images ?? [];
  const choices = Math.max(1, Math.min(maxQuantityChoice, product.availability.available));
  return (
    <article className="product-page">
      <p className="breadcrumb">
        <Link to="/">{t('layout.catalog')}</Link>
        {product.category && (
          <>
            {' › '}
            <Link to={`/?category=${encodeURIComponent(product.category.slug)}`}>{product.category.name}</Link>
          </>
        )}
      </p>
      <div className="product-layout">
        <div className="gallery">
          {/* The first one is what the shopper came for: loaded at once, before anything lazy. */}
          <ProductImage image={images[imageIndex]} src={product.imageUrls[imageIndex]} name={product.name} size="large" loading="priority" />
          {product.imageUrls.length > 1 && (
            <ul className="thumbnails" aria-label={t('shop.moreImages')}>
              {product.imageUrls.map((url, index) => (
                <li key={url}>
                  <button type="button" aria-label={t('shop.showImage', { number: index + 1 })} aria-pressed={index === imageIndex} onClick={() => setImageIndex(index)}>
                    <ProductImage image={images[index]} src={url} name={t('shop.imageAlt', { name: product.name, number: index + 1 })} size="thumb" />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="product-info">
          <PageHeading lang={textLanguage}>{product.name}</PageHeading>
          {product.brand && <p className="muted">{t('shop.byBrand', { brand: product.brand })}</p>}
          <p className="product-price" data-testid="product-price">
            <Price money={product.price} />
          </p>
          <p className={`stock stock-${stock.tone}`}>{stock.text}</p>
          <form
            className="add-to-cart"
            onSubmit={(event) => {
              event.preventDefault();
              void add(product.id, quantity, product.name);
            }}
          >
            <div className="field inline">
              <label htmlFor="quantity">{t('shop.quantity')}</label>
              <select id="quantity" value={quantity} onChange={(event) => setQuantity(Number(event.target.value))} disabled={stock.tone === 'out'}>
                {Array.from({ length: choices }, (_, index) => index + 1).map((value) => (
                  <option key={value} value={value}>
                    {value}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="button primary" disabled={adding || stock.tone === 'out'}>
              {stock.tone === 'out' ? t('shop.soldOut') : adding ? t('shop.adding') : t('shop.addToCart')}
            </button>
          </form>
          <div aria-live="polite">
            {result && (
              <Alert tone={result.ok ? 'success' : 'error'}>
                {result.message} {result.ok && <Link to="/cart">{t('shop.viewCart')}</Link>}
              </Alert>
            )}
          </div>
          <h2>{t('shop.description')}</h2>
          <p className="description" lang={product.description ? textLanguage : undefined}>
            {product.description || t('shop.noDescription')}
          </p>
          {Object.keys(product.attributes).length > 0 && (
            <>
              <h2>{t('shop.details')}</h2>
              <dl className="attributes">
                {Object.entries(product.attributes).map(([key, value]) => (
                  <div key={key}>
                    <dt>{key}</dt>
                    <dd>{typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value)}</dd>
                  </div>
                ))}
              </dl>
            </>
          )}
          <p className="muted small">{t('shop.sku', { sku: product.sku })}</p>
        </div>
      </div>
    </article>
  );
}
