import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { productStatuses, type AdminProductView, type ProductStatus } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { formatMoney } from '../lib/money';
import { useCursorPages } from '../lib/use-cursor-pages';
import { useSearchText } from '../lib/use-search-text';
import { Alert, Field, LoadMoreButton, PageHeading, SelectField, Spinner } from '../ui/components';
import { paramsFromProductFilters, productFiltersFromParams } from './list-filters';
import { productStatusLabels } from './product-form';

/** Every product in any status: search as you type, a status filter (both in the URL), "load more" on the cursor. */
export function ProductsPage() {
  const { admin } = useApp();
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
        <PageHeading>Products</PageHeading>
        <Link to="/admin/products/new" className="button primary">
          New product
        </Link>
      </div>
      <form className="admin-filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <Field label="Search products" type="search" value={searchText} onChange={(event) => setSearchText(event.target.value)} autoComplete="off" />
        <SelectField
          label="Status"
          value={filters.status}
          onChange={(event) => setParams(paramsFromProductFilters({ ...filters, status: event.target.value as ProductStatus | '' }))}
        >
          <option value="">All</option>
          {productStatuses.map((status) => (
            <option key={status} value={status}>
              {productStatusLabels[status]}
            </option>
          ))}
        </SelectField>
      </form>
      {error && <Alert>{error}</Alert>}
      {!products ? (
        !error && <Spinner label="Loading products…" />
      ) : products.length === 0 ? (
        <p className="empty">No products match. Try fewer words or another status.</p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="data-table admin-table">
              <caption className="visually-hidden">Products{nextCursor ? ' (more available)' : ''}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">SKU</th>
                  <th scope="col" className="number">
                    Price
                  </th>
                  <th scope="col" className="number">
                    Stock <span className="muted">(on hand / reserved)</span>
                  </th>
                  <th scope="col">Status</th>
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
                    <td className="number">{formatMoney(product.price)}</td>
                    <td className="number">
                      {product.inventory.onHand} / {product.inventory.reserved}
                    </td>
                    <td>
                      <span className={`admin-status admin-status-${product.status}`}>{productStatusLabels[product.status]}</span>
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
