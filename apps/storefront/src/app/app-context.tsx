import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { accountApi, type AccountApi } from '../api/account-api';
import { adminApi, type AdminApi } from '../api/admin-api';
import { ApiClient } from '../api/client';
import type { SessionEnd } from '../api/session';
import { shopApi, type ShopApi } from '../api/shop-api';
import type { AuthUser, CartView, Market } from '@shop/contracts';
import { useI18n } from '../i18n/i18n-context';
import { contentLanguageOf } from '../i18n/translator';
import { storeMarketChoice, storedMarketChoice } from './market-cookie';

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
  /** The shop's market once known: picked in this tab, or as the markets list resolved it (cookie, country, language, default). */
  market: Market | undefined;
  /** The market a shopper picked in this tab, undefined until they pick one: the key pages reload their prices on. */
  pickedMarketId: string | undefined;
  /**
   * The shopper picks a market: the cookie is stored, the cart re-priced in it (`PUT /api/cart/market`), and the shop
   * API rebuilt, so pages that read catalog data and the cart read them again.
   */
  selectMarket: (market: Market) => Promise<void>;
  /** The market the services resolved for this browser (`current` of the markets list): later catalog reads name it, nothing reloads. */
  adoptResolvedMarket: (market: Market) => void;
}

const AppContext = createContext<AppServices | undefined>(undefined);

/** Provides the API client, the signed-in user (restored from the session cookie on load) and the cart to every page. */
export function AppProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  const [market, setMarket] = useState<Market | undefined>();
  const [pickedMarketId, setPickedMarketId] = useState<string | undefined>();
  // What catalog reads name as `?market=`: known from the cookie on load, else once the markets list answers. A ref, so
  // that learning the market the services already used does not read every page again.
  const marketId = useRef<string | undefined>(storedMarketChoice());
  // The language product names and descriptions are read in: the UI's, so switching it shows them translated.
  const language = contentLanguageOf(useI18n().locale);
  // A new shop API per picked market and per language: every page's data effect depends on it, so picking one reloads
  // the catalog data (and the cart) in it.
  const shop = useMemo(() => shopApi(client, () => marketId.current, language), [client, pickedMarketId, language]);
  const admin = useMemo(() => adminApi(client), [client]);
  const account = useMemo(() => accountApi(client), [client]);
  const [user, setUser] = useState<AuthUser | undefined>(client.user);
  const [sessionRestored, setSessionRestored] = useState(client.isRestored);
  const [sessionEnd, setSessionEnd] = useState<SessionEnd | undefined>(client.sessionEnd);
  const [cart, setCartState] = useState<CartView | undefined>();
  // Carts pages set so far (a write's answer, or a page's own read). The shell's read that started before one may
  // answer after it, with the cart as it was then: it must not undo it (the header would show an empty cart after an
  // add made while the first read was on its way).
  const cartWrites = useRef(0);
  const setCart = useCallback((written: CartView) => {
    cartWrites.current += 1;
    setCartState(written);
  }, []);

  const reloadCart = useCallback(async () => {
    const writesBefore = cartWrites.current;
    try {
      const read = await shop.cart();
      if (cartWrites.current === writesBefore) setCartState(read);
    } catch {
      // The header shows no count until the next successful read; the cart page reports the error itself.
    }
  }, [shop]);

  const selectMarket = useCallback(
    async (next: Market) => {
      storeMarketChoice(next.id);
      marketId.current = next.id;
      setMarket(next);
      try {
        // The cart follows the shopper: its lines are re-priced in the new market's currency.
        setCart(await shopApi(client, () => next.id, language).setCartMarket(next.id));
      } catch {
        // An older cart service or a failed write: the cart read that follows shows the cart as it is.
      } finally {
        setPickedMarketId(next.id);
      }
    },
    [client, language, setCart],
  );
  const adoptResolvedMarket = useCallback((resolved: Market) => {
    marketId.current ??= resolved.id;
    setMarket((known) => known ?? resolved);
  }, []);

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
    () => ({ client, shop, admin, account, user, sessionRestored, sessionEnd, cart, setCart, reloadCart, market, pickedMarketId, selectMarket, adoptResolvedMarket }),
    [client, shop, admin, account, user, sessionRestored, sessionEnd, cart, setCart, reloadCart, market, pickedMarketId, selectMarket, adoptResolvedMarket],
  );
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp outside AppProvider');
  return services;
}
