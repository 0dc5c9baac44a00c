import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { accountApi, type AccountApi } from '../api/account-api';
import { adminApi, type AdminApi } from '../api/admin-api';
import { ApiClient } from '../api/client';
import type { SessionEnd } from '../api/session';
import { shopApi, type ShopApi } from '../api/shop-api';
import type { AuthUser, CartView } from '@shop/contracts';

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
}

const AppContext = createContext<AppServices | undefined>(undefined);

/** Provides the API client, the signed-in user (restored from the session cookie on load) and the cart to every page. */
export function AppProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  const shop = useMemo(() => shopApi(client), [client]);
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
    () => ({ client, shop, admin, account, user, sessionRestored, sessionEnd, cart, setCart, reloadCart }),
    [client, shop, admin, account, user, sessionRestored, sessionEnd, cart, reloadCart],
  );
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp outside AppProvider');
  return services;
}
