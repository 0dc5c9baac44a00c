import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useApp } from './app-context';

/** Header, skip link and footer around every storefront page. */
export function Layout() {
  const { user, sessionRestored, cart, client } = useApp();
  const navigate = useNavigate();
  const itemCount = cart?.itemCount ?? 0;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          Shop
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/" end>
                Catalog
              </NavLink>
            </li>
            <li>
              <NavLink to="/cart" aria-label={`Cart, ${itemCount} ${itemCount === 1 ? 'item' : 'items'}`}>
                Cart <span className="badge" data-testid="cart-count">{itemCount}</span>
              </NavLink>
            </li>
            {user ? (
              <>
                <li>
                  <NavLink to="/account/orders">Orders</NavLink>
                </li>
                <li>
                  <NavLink to="/account" end>
                    Account
                  </NavLink>
                </li>
                {user.roles.includes('admin') && (
                  <li>
                    <NavLink to="/admin">Admin</NavLink>
                  </li>
                )}
                <li>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => {
                      // signOut never rejects: the server-side logout is best effort.
                      void client.signOut().then(() => navigate('/'));
                    }}
                  >
                    Sign out
                  </button>
                </li>
              </>
            ) : (
              // Until the session cookie has been read, the shopper may well be signed in: no "Sign in" that flickers away.
              sessionRestored && (
                <li>
                  <NavLink to="/account/sign-in">Sign in</NavLink>
                </li>
              )
            )}
          </ul>
        </nav>
      </header>
      <main id="main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>Prices include VAT. Payments in this shop are simulated.</p>
      </footer>
    </>
  );
}
