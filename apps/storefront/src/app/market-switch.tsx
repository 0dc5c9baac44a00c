import { useEffect, useId, useState } from 'react';
import type { MarketList } from '@shop/contracts';
import { useI18n } from '../i18n/i18n-context';
import { useApp } from './app-context';

/** The cookie the catalog and cart services read (`MarketRequest.cookie`), kept a year. */
export const marketCookieName = 'shop_market';
const marketCookieMaxAgeSeconds = 31_536_000;

/** Remembers the shopper's market for every later catalog and cart request. */
export function storeMarketChoice(marketId: string): void {
  document.cookie = `${marketCookieName}=${encodeURIComponent(marketId)}; Path=/; SameSite=Lax; Max-Age=${marketCookieMaxAgeSeconds}`;
}

/**
 * The market select of the header: lists `GET /api/catalog/markets`, and on a change stores the cookie and has the
 * app reload catalog and cart data. When the list cannot be read (or is malformed) there is no switch at all.
 */
export function MarketSwitch() {
  const { client, selectMarket } = useApp();
  const { t } = useI18n();
  const id = useId();
  const [markets, setMarkets] = useState<MarketList | undefined>();
  const [current, setCurrent] = useState<string | undefined>();
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const { data } = await client.request<unknown>('/api/catalog/markets', { auth: 'none' });
        // The schema is loaded with the contracts chunk, not on the first page (the bundle budget).
        const { marketListSchema } = await import('@shop/contracts');
        const parsed = marketListSchema.safeParse(data);
        if (!cancelled && parsed.success && parsed.data.items.length > 0) {
          setMarkets(parsed.data);
          setCurrent(parsed.data.current.market);
        }
      } catch {
        // No markets endpoint (or it failed): the shop works in its default market, without a switch.
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [client]);
  if (!markets) return null;
  return (
    <div className="header-switch">
      <label htmlFor={id}>{t('layout.market')}</label>
      <select
        id={id}
        value={current}
        onChange={(event) => {
          const marketId = event.target.value;
          setCurrent(marketId);
          storeMarketChoice(marketId);
          selectMarket(markets.items.find((market) => market.id === marketId));
        }}
      >
        {markets.items.map((market) => (
          <option key={market.id} value={market.id}>
            {market.name} ({market.currency})
          </option>
        ))}
      </select>
    </div>
  );
}
