import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useId } from 'react';
import { supportedLocales, type SupportedLocale } from '../i18n/catalogues';
import { useI18n } from '../i18n/i18n-context';
import { languageNames } from '../i18n/language-names';
import { useApp } from './app-context';
import { MarketSwitch } from './market-switch';

/** Header, skip link and footer around every storefront page. */
export function Layout() {
  const { user, sessionRestored, cart, client, market } = useApp();
  const { t } = useI18n();
  const navigate = useNavigate();
  const itemCount = cart?.itemCount ?? 0;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('layout.skipToContent')}
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          {t('layout.brand')}
        </Link>
        <nav aria-label={t('layout.mainNav')}>
          <ul>
            <li>
              <NavLink to="/" end>
                {t('layout.catalog')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/cart" aria-label={t('layout.cartLabel', { count: itemCount })}>
                {t('layout.cart')} <span className="badge" data-testid="cart-count">{itemCount}</span>
              </NavLink>
            </li>
            {user ? (
              <>
                <li>
                  <NavLink to="/account/orders">{t('layout.orders')}</NavLink>
                </li>
                <li>
                  <NavLink to="/account" end>
                    {t('layout.account')}
                  </NavLink>
                </li>
                {user.roles.includes('admin') && (
                  <li>
                    <NavLink to="/admin">{t('layout.admin')}</NavLink>
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
                    {t('layout.signOut')}
                  </button>
                </li>
              </>
            ) : (
              // Until the session cookie has been read, the shopper may well be signed in: no "Sign in" that flickers away.
              sessionRestored && (
                <li>
                  <NavLink to="/account/sign-in">{t('layout.signIn')}</NavLink>
                </li>
              )
            )}
          </ul>
        </nav>
        <div className="header-switches">
          <LanguageSwitch />
          <MarketSwitch />
        </div>
      </header>
      <main id="main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>{t(market?.pricesIncludeTax === false ? 'layout.footerTaxExcluded' : 'layout.footerTaxIncluded')}</p>
      </footer>
    </>
  );
}

/** The language select: each language named in itself; the choice is remembered (`shop_lang`). */
function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  const id = useId();
  return (
    <div className="header-switch">
      <label htmlFor={id}>{t('layout.language')}</label>
      <select id={id} value={locale} onChange={(event) => setLocale(event.target.value as SupportedLocale)}>
        {supportedLocales.map((code) => (
          <option key={code} value={code} lang={code}>
            {languageNames[code]}
          </option>
        ))}
      </select>
    </div>
  );
}
