/** The cookie the catalog and cart services read (`MarketRequest.cookie`), kept a year. */
export const marketCookieName = 'shop_market';
const marketCookieMaxAgeSeconds = 31_536_000;

/** Remembers the shopper's market for every later catalog and cart request. */
export function storeMarketChoice(marketId: string): void {
  document.cookie = `${marketCookieName}=${encodeURIComponent(marketId)}; Path=/; SameSite=Lax; Max-Age=${marketCookieMaxAgeSeconds}`;
}

/** The market this browser picked before (the cookie), or undefined when it never did. */
export function storedMarketChoice(): string | undefined {
  if (typeof document === 'undefined') return undefined;
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name !== marketCookieName) continue;
    const id = decodeURIComponent(value.join('='));
    // Only what a market id can be (`marketIdSchema`): anything else the services would refuse with a 400.
    return /^[a-z]{2,8}$/.test(id) ? id : undefined;
  }
  return undefined;
}
