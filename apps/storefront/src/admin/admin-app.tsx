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
import './admin.css';

const sections = [
  // `end`: the home link is current on /admin alone, not on every page under it.
  { to: '/admin', label: 'Home', end: true },
  { to: '/admin/products', label: 'Products' },
  { to: '/admin/orders', label: 'Orders' },
  { to: '/admin/sync-runs', label: 'Sync runs' },
  { to: '/admin/reports', label: 'Reports' },
  { to: '/admin/api-keys', label: 'API keys' },
];

/** The back office (its own chunk, loaded at /admin/*): the home, products, orders, sync runs, reports and partner API keys, for the admin role. */
export default function AdminApp() {
  const { user } = useApp();
  // The APIs refuse non-admins anyway (403); this only spares them a page of errors.
  if (!user?.roles.includes('admin')) {
    return (
      <section className="admin">
        <PageHeading>Admin</PageHeading>
        <Alert>You need the admin role to see this page.</Alert>
      </section>
    );
  }
  return (
    <div className="admin">
      <nav aria-label="Admin" className="admin-nav">
        <ul>
          {sections.map((section) => (
            <li key={section.to}>
              <NavLink to={section.to} end={'end' in section && section.end}>
                {section.label}
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
  return (
    <section>
      <PageHeading>Page not found</PageHeading>
      <p>
        This back-office page does not exist. <NavLink to="/admin">Go to the back-office home</NavLink>
      </p>
    </section>
  );
}
