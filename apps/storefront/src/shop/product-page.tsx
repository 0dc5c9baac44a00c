import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { describeApiError } from '../api/api-error';
import type { ProductView } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { availabilityLabel } from '../lib/availability';
import { Alert, PageHeading, Price, ProductImage, Spinner } from '../ui/components';
import { useAddToCart } from './use-add-to-cart';

/** Most units one "add to cart" offers; the cart service enforces its own line limit. */
const maxQuantityChoice = 10;

export function ProductPage() {
  const { ref = '' } = useParams();
  const { shop } = useApp();
  const [product, setProduct] = useState<ProductView>();
  const [error, setError] = useState<string>();
  const [imageIndex, setImageIndex] = useState(0);
  const [quantity, setQuantity] = useState(1);
  const { add, adding, result } = useAddToCart();

  useEffect(() => {
    setProduct(undefined);
    setError(undefined);
    setImageIndex(0);
    shop.product(ref).then(setProduct, (caught: unknown) => setError(describeApiError(caught)));
  }, [shop, ref]);

  if (error) return <Alert>{error}</Alert>;
  if (!product) return <Spinner label="Loading product…" />;

  const stock = availabilityLabel(product.availability);
  const choices = Math.max(1, Math.min(maxQuantityChoice, product.availability.available));
  return (
    <article className="product-page">
      <p className="breadcrumb">
        <Link to="/">Catalog</Link>
        {product.category && (
          <>
            {' › '}
            <Link to={`/?category=${encodeURIComponent(product.category.slug)}`}>{product.category.name}</Link>
          </>
        )}
      </p>
      <div className="product-layout">
        <div className="gallery">
          <ProductImage src={product.imageUrls[imageIndex]} name={product.name} size="large" />
          {product.imageUrls.length > 1 && (
            <ul className="thumbnails" aria-label="More images">
              {product.imageUrls.map((url, index) => (
                <li key={url}>
                  <button type="button" aria-label={`Show image ${index + 1}`} aria-pressed={index === imageIndex} onClick={() => setImageIndex(index)}>
                    <ProductImage src={url} name={`${product.name}, image ${index + 1}`} size="thumb" />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="product-info">
          <PageHeading>{product.name}</PageHeading>
          {product.brand && <p className="muted">by {product.brand}</p>}
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
              <label htmlFor="quantity">Quantity</label>
              <select id="quantity" value={quantity} onChange={(event) => setQuantity(Number(event.target.value))} disabled={stock.tone === 'out'}>
                {Array.from({ length: choices }, (_, index) => index + 1).map((value) => (
                  <option key={value} value={value}>
                    {value}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="button primary" disabled={adding || stock.tone === 'out'}>
              {stock.tone === 'out' ? 'Sold out' : adding ? 'Adding…' : 'Add to cart'}
            </button>
          </form>
          <div aria-live="polite">
            {result && (
              <Alert tone={result.ok ? 'success' : 'error'}>
                {result.message} {result.ok && <Link to="/cart">View cart</Link>}
              </Alert>
            )}
          </div>
          <h2>Description</h2>
          <p className="description">{product.description || 'No description yet.'}</p>
          {Object.keys(product.attributes).length > 0 && (
            <>
              <h2>Details</h2>
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
          <p className="muted small">SKU {product.sku}</p>
        </div>
      </div>
    </article>
  );
}
