import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { adminApi, type AdminApi } from '../api/admin-api';
import { ApiClient } from '../api/client';
import { shopApi, type ShopApi } from '../api/shop-api';
import type { AuthUser, CartView } from '@shop/contracts';

interface AppServices {
  client: ApiClient;
  shop: ShopApi;
  admin: AdminApi;
  user: AuthUser | undefined;
  /** The shopper's cart as last answered by the cart service (undefined until the first read). */
  cart: CartView | undefined;
  setCart: (cart: CartView) => void;
  reloadCart: () => Promise<void>;
}

const AppContext = createContext<AppServices | undefined>(undefined);

/** Provides the API client, the signed-in user and the cart to every page. */
export function AppProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  const shop = useMemo(() => shopApi(client), [client]);
  const admin = useMemo(() => adminApi(client), [client]);
  const [user, setUser] = useState<AuthUser | undefined>(client.user);
  const [cart, setCart] = useState<CartView | undefined>();

  const reloadCart = useCallback(async () => {
    try {
      setCart(await shop.cart());
    } catch {
      // The header shows no count until the next successful read; the cart page reports the error itself.
    }
  }, [shop]);

  useEffect(() => client.onUserChange(setUser), [client]);
  // Signing in merges the guest cart into the user's (the cart service does it on the first read with both).
  useEffect(() => {
    void reloadCart();
  }, [user?.id, reloadCart]);

  const value = useMemo<AppServices>(() => ({ client, shop, admin, user, cart, setCart, reloadCart }), [client, shop, admin, user, cart, reloadCart]);
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp outside AppProvider');
  return services;
}
