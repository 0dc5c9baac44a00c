import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { productStatuses, type AdminProductView, type ProductStatus } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { useCursorPages } from '../lib/use-cursor-pages';
import { useSearchText } from '../lib/use-search-text';
import { Alert, Field, LoadMoreButton, PageHeading, SelectField, Spinner } from '../ui/components';
import { paramsFromProductFilters, productFiltersFromParams } from './list-filters';
import { productStatusLabel } from './product-form';
import './admin-messages';

/** Every product in any status: search as you type, a status filter (both in the URL), "load more" on the cursor. */
export function ProductsPage() {
  const { admin } = useApp();
  const { t, formatPrice, formatNumber } = useI18n();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => productFiltersFromParams(params), [params]);
  const [searchText, setSearchText] = useSearchText(filters.q, (q) => setParams(paramsFromProductFilters({ ...filters, q }), { replace: true }));
  const { items: products, nextCursor, error, loadingMore, loadMore } = useCursorPages<AdminProductView>(
    (cursor) => admin.products({ q: filters.q || undefined, status: filters.status, cursor }),
    JSON.stringify([filters.q, filters.status]),
  );

  return (
    <section>
      <div className="admin-heading">
        <PageHeading>{t('admin.products')}</PageHeading>
        <Link to="/admin/products/new" className="button primary">
          {t('admin.newProduct')}
        </Link>
      </div>
      <form className="admin-filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <Field label={t('admin.searchProducts')} type="search" value={searchText} onChange={(event) => setSearchText(event.target.value)} autoComplete="off" />
        <SelectField
          label={t('admin.status')}
          value={filters.status}
          onChange={(event) => setParams(paramsFromProductFilters({ ...filters, status: event.target.value as ProductStatus | '' }))}
        >
          <option value="">{t('admin.all')}</option>
          {productStatuses.map((status) => (
            <option key={status} value={status}>
              {productStatusLabel(status, t)}
            </option>
          ))}
        </SelectField>
      </form>
      {error && <Alert>{error}</Alert>}
      {!products ? (
        !error && <Spinner label={t('admin.loadingProducts')} />
      ) : products.length === 0 ? (
        <p className="empty">{t('admin.noProducts')}</p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="data-table admin-table">
              <caption className="visually-hidden">{nextCursor ? t('admin.productsCaptionMore') : t('admin.productsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.name')}</th>
                  <th scope="col">{t('admin.sku')}</th>
                  <th scope="col" className="number">
                    {t('admin.price')}
                  </th>
                  <th scope="col" className="number">
                    {t('admin.stock')} <span className="muted">{t('admin.stockOnHandReserved')}</span>
                  </th>
                  <th scope="col">{t('admin.status')}</th>
                </tr>
              </thead>
              <tbody>
                {products.map((product) => (
                  <tr key={product.id} data-testid="admin-product-row">
                    <td>
                      <Link to={`/admin/products/${product.id}`}>{product.name}</Link>
                    </td>
                    <td>
                      <code>{product.sku}</code>
                    </td>
                    <td className="number">{formatPrice(product.price)}</td>
                    <td className="number">
                      {formatNumber(product.inventory.onHand)} / {formatNumber(product.inventory.reserved)}
                    </td>
                    <td>
                      <span className={`admin-status admin-status-${product.status}`}>{productStatusLabel(product.status, t)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LoadMoreButton nextCursor={nextCursor} loading={loadingMore} onClick={() => void loadMore()} />
        </>
      )}
    </section>
  );
}
