import { acceptedLanguages, currencyMinorDigits, defaultMarkets, DEFAULT_MARKET_ID, marketsSchema, resolveMarket } from './markets';

describe('markets', () => {
  it('when the default markets are validated, then they pass: unique ids, no country in two markets', () => {
    expect(marketsSchema.safeParse(defaultMarkets).success).toBe(true);
  });

  it('when two markets claim one country, then the list is refused', () => {
    const clash = [...defaultMarkets, { id: 'at', name: 'Austria', currency: 'EUR', defaultLocale: 'de', countries: ['AT'], pricesIncludeTax: true }];
    expect(marketsSchema.safeParse(clash).success).toBe(false);
  });

  it.each([
    ['JPY', 0],
    ['EUR', 2],
    ['USD', 2],
    ['GBP', 2],
    ['BHD', 3],
    ['KWD', 3],
    ['ISK', 0],
  ])('when the minor digits of %s are asked, then ISO 4217 says %i', (currency, digits) => {
    expect(currencyMinorDigits(currency)).toBe(digits);
  });

  const resolve = (hints: Parameters<typeof resolveMarket>[0]) => {
    const resolution = resolveMarket(hints, defaultMarkets, DEFAULT_MARKET_ID);
    return resolution.kind === 'resolved' ? [resolution.market.id, resolution.selectedBy] : [resolution.kind, resolution.requested];
  };

  it('when every hint is given, then the query wins over the cookie, the country and the language', () => {
    expect(resolve({ query: 'jp', cookie: 'uk', clientCountry: 'US', acceptLanguage: 'de-DE' })).toEqual(['jp', 'query']);
    expect(resolve({ cookie: 'uk', clientCountry: 'US', acceptLanguage: 'de-DE' })).toEqual(['uk', 'cookie']);
    expect(resolve({ clientCountry: 'US', acceptLanguage: 'ja' })).toEqual(['us', 'country']);
    expect(resolve({ acceptLanguage: 'ja;q=0.9, fr;q=0.1' })).toEqual(['jp', 'language']);
    expect(resolve({})).toEqual(['eu', 'default']);
  });

  it('when an explicit choice names no market, then the answer says so instead of falling back', () => {
    expect(resolve({ query: 'mars', clientCountry: 'JP' })).toEqual(['unknown_market', 'mars']);
    expect(resolve({ cookie: 'xx' })).toEqual(['unknown_market', 'xx']);
  });

  it('when the country is one no market ships to, then the language decides, and then the default', () => {
    expect(resolve({ clientCountry: 'BR', acceptLanguage: 'en-GB,en;q=0.8' })).toEqual(['uk', 'language']);
    expect(resolve({ clientCountry: 'BR', acceptLanguage: 'pt-BR' })).toEqual(['eu', 'default']);
  });

  it('when Accept-Language has qualities, then the best comes first and q=0 and malformed tags are dropped', () => {
    expect(acceptedLanguages('fr;q=0.5, de-AT, ja;q=0, en;q=0.9, <script>')).toEqual(['de-AT', 'en', 'fr']);
    expect(resolve({ acceptLanguage: 'fr;q=0.5, de-AT, en;q=0.9' })).toEqual(['eu', 'language']);
  });
});
