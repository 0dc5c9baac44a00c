import { Link } from 'react-router';
import type { ProductView } from '@shop/contracts';
import { availabilityLabel } from '../lib/availability';
import { useI18n } from '../i18n/i18n-context';
import { Price, ProductImage } from '../ui/components';
import { useAddToCart } from './use-add-to-cart';

/** One product of the grid: the whole card is reachable by its name link; "Add to cart" adds one unit. */
export function ProductCard({ product }: { product: ProductView }) {
  const { t, locale } = useI18n();
  // Untranslated names are in the catalog's base language: say so, for screen readers and hyphenation.
  const textLanguage = product.language && product.language !== locale ? product.language : undefined;
  const stock = availabilityLabel(product.availability, t);
  const { add, adding, result } = useAddToCart();
  return (
    <article className="product-card" aria-labelledby={`product-${product.id}`}>
      <ProductImage image={product.images?.[0]} src={product.imageUrls[0]} name={product.name} />
      <div className="product-card-body">
        <h2 className="product-card-title" id={`product-${product.id}`} lang={textLanguage}>
          <Link to={`/products/${product.id}`}>{product.name}</Link>
        </h2>
        {product.brand && <p className="muted">{product.brand}</p>}
        <p className="product-card-price">
          <Price money={product.price} />
        </p>
        <p className={`stock stock-${stock.tone}`}>{stock.text}</p>
        <button
          type="button"
          className="button"
          disabled={adding || stock.tone === 'out'}
          onClick={() => void add(product.id, 1, product.name)}
          aria-label={t('shop.addToCartLabel', { name: product.name })}
        >
          {adding ? t('shop.adding') : t('shop.addToCart')}
        </button>
        <p className={result?.ok === false ? 'field-error' : 'visually-hidden'} role="status">
          {result?.message ?? ''}
        </p>
      </div>
    </article>
  );
}
