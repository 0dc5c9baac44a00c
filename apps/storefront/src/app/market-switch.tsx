import { useEffect, useId, useState } from 'react';
import type { MarketList } from '@shop/contracts';
import { useI18n } from '../i18n/i18n-context';
import { useApp } from './app-context';

/**
 * The market select of the header: lists `GET /api/catalog/markets` (the market it resolved is the app's from then
 * on), and on a change has the app store the cookie, re-price the cart and reload catalog and cart data. When the list cannot be read (or is malformed) there is no switch at all.
 */
export function MarketSwitch() {
  const { client, selectMarket, adoptResolvedMarket } = useApp();
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
          const resolved = parsed.data.items.find((market) => market.id === parsed.data.current.market);
          if (resolved) adoptResolvedMarket(resolved);
        }
      } catch {
        // No markets endpoint (or it failed): the shop works in its default market, without a switch.
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [client, adoptResolvedMarket]);
  if (!markets) return null;
  return (
    <div className="header-switch">
      <label htmlFor={id}>{t('layout.market')}</label>
      <select
        id={id}
        value={current}
        onChange={(event) => {
          const picked = markets.items.find((market) => market.id === event.target.value);
          if (!picked) return;
          setCurrent(picked.id);
          void selectMarket(picked);
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
