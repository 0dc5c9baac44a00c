import { NavLink, Route, Routes } from 'react-router';
import { useApp } from '../app/app-context';
import { Alert, PageHeading } from '../ui/components';
import { AdminHomePage } from './admin-home-page';
import { ApiKeysPage } from './api-keys-page';
import { OrderDetailPage } from './order-detail-page';
import { OrdersPage } from './orders-page';
import { ProductCreatePage } from './product-create-page';
import { ProductEditPage } from './product-edit-page';
import { ProductsPage } from './products-page';
import { ReportsPage } from './reports-page';
import { SyncRunsPage } from './sync-runs-page';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/catalogues';
import './admin-messages';
import './admin.css';

const sections: { to: string; label: MessageKey; end?: boolean }[] = [
  // `end`: the home link is current on /admin alone, not on every page under it.
  { to: '/admin', label: 'admin.navHome', end: true },
  { to: '/admin/products', label: 'admin.navProducts' },
  { to: '/admin/orders', label: 'admin.navOrders' },
  { to: '/admin/sync-runs', label: 'admin.navSyncRuns' },
  { to: '/admin/reports', label: 'admin.navReports' },
  { to: '/admin/api-keys', label: 'admin.navApiKeys' },
];

/** The back office (its own chunk, loaded at /admin/*): the home, products, orders, sync runs, reports and partner API keys, for the admin role. */
export default function AdminApp() {
  const { user } = useApp();
  const { t } = useI18n();
  // The APIs refuse non-admins anyway (403); this only spares them a page of errors.
  if (!user?.roles.includes('admin')) {
    return (
      <section className="admin">
        <PageHeading>{t('admin.adminHeading')}</PageHeading>
        <Alert>{t('admin.needsAdminRole')}</Alert>
      </section>
    );
  }
  return (
    <div className="admin">
      <nav aria-label={t('admin.navLabel')} className="admin-nav">
        <ul>
          {sections.map((section) => (
            <li key={section.to}>
              <NavLink to={section.to} end={section.end === true}>
                {t(section.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Routes>
        <Route index element={<AdminHomePage />} />
        <Route path="products" element={<ProductsPage />} />
        <Route path="products/new" element={<ProductCreatePage />} />
        <Route path="products/:id" element={<ProductEditPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="orders/:id" element={<OrderDetailPage />} />
        <Route path="sync-runs" element={<SyncRunsPage />} />
        <Route path="reports" element={<ReportsPage />} />
        <Route path="api-keys" element={<ApiKeysPage />} />
        <Route path="*" element={<AdminNotFound />} />
      </Routes>
    </div>
  );
}

function AdminNotFound() {
  const { t } = useI18n();
  return (
    <section>
      <PageHeading>{t('admin.pageNotFound')}</PageHeading>
      <p>
        {t('admin.pageMissing')} <NavLink to="/admin">{t('admin.goHome')}</NavLink>
      </p>
    </section>
  );
}
