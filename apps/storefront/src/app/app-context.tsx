import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { accountApi, type AccountApi } from '../api/account-api';
import { adminApi, type AdminApi } from '../api/admin-api';
import { ApiClient } from '../api/client';
import type { SessionEnd } from '../api/session';
import { shopApi, type ShopApi } from '../api/shop-api';
import type { AuthUser, CartView, Market } from '@shop/contracts';

interface AppServices {
  client: ApiClient;
  shop: ShopApi;
  admin: AdminApi;
  account: AccountApi;
  user: AuthUser | undefined;
  /** False while the page-load restore of the session from its cookie is still running. */
  sessionRestored: boolean;
  /** Why this tab's last session ended (signed out here, everywhere, or expired); undefined while signed in. */
  sessionEnd: SessionEnd | undefined;
  /** The shopper's cart as last answered by the cart service (undefined until the first read). */
  cart: CartView | undefined;
  setCart: (cart: CartView) => void;
  reloadCart: () => Promise<void>;
  /** The market the shopper picked in this tab (undefined: the one the services resolve from cookie, country or default). */
  market: Market | undefined;
  /** Switches market: the shop API is rebuilt, so pages that read catalog data and the cart read them again. */
  selectMarket: (market: Market | undefined) => void;
}

const AppContext = createContext<AppServices | undefined>(undefined);

/** Provides the API client, the signed-in user (restored from the session cookie on load) and the cart to every page. */
export function AppProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  const [market, selectMarket] = useState<Market | undefined>();
  // A new shop API per market: every page's data effect depends on it, so picking a market reloads prices and the cart.
  const shop = useMemo(() => shopApi(client), [client, market?.id]);
  const admin = useMemo(() => adminApi(client), [client]);
  const account = useMemo(() => accountApi(client), [client]);
  const [user, setUser] = useState<AuthUser | undefined>(client.user);
  const [sessionRestored, setSessionRestored] = useState(client.isRestored);
  const [sessionEnd, setSessionEnd] = useState<SessionEnd | undefined>(client.sessionEnd);
  const [cart, setCart] = useState<CartView | undefined>();

  const reloadCart = useCallback(async () => {
    try {
      setCart(await shop.cart());
    } catch {
      // The header shows no count until the next successful read; the cart page reports the error itself.
    }
  }, [shop]);

  useEffect(
    () =>
      client.onUserChange((current) => {
        setUser(current);
        setSessionEnd(client.sessionEnd);
      }),
    [client],
  );
  useEffect(() => {
    void client.restore().then(() => {
      setUser(client.user);
      setSessionRestored(true);
    });
  }, [client]);
  // Signing in merges the guest cart into the user's (the cart service does it on the first read with both). On load
  // the cart is read once the session is known, as the shopper's.
  useEffect(() => {
    if (sessionRestored) void reloadCart();
  }, [user?.id, sessionRestored, reloadCart]);

  const value = useMemo<AppServices>(
    () => ({ client, shop, admin, account, user, sessionRestored, sessionEnd, cart, setCart, reloadCart, market, selectMarket }),
    [client, shop, admin, account, user, sessionRestored, sessionEnd, cart, reloadCart, market],
  );
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp outside AppProvider');
  return services;
}
