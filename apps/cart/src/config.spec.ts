import { ConfigError } from '@shop/platform';
import { loadCartConfig } from './config';

describe('loadCartConfig', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    expect(loadCartConfig({})).toMatchObject({
      PORT: 3003,
      CART_MAX_LINE_QUANTITY: 20,
      CART_MAX_LINES: 50,
      GUEST_CART_TTL_SECONDS: 604_800,
      USER_CART_TTL_SECONDS: 7_776_000,
      CART_WRITE_MAX_ATTEMPTS: 30,
      INBOX_TTL_SECONDS: 604_800,
      CATALOG_APP_ID: 'catalog',
      CATALOG_TIMEOUT_MS: 3000,
      AUTH_APP_ID: 'auth',
      ABANDONED_CART_IDLE_HOURS: 24,
    });
    expect(loadCartConfig({}).APP_API_TOKEN).toBeUndefined();
  });

  it('when a limit is not a positive integer or the line cap is absurd, then loading fails naming the variable', () => {
    expect(() => loadCartConfig({ CART_MAX_LINES: '0' })).toThrow(/CART_MAX_LINES/);
    expect(() => loadCartConfig({ CART_MAX_LINE_QUANTITY: '100000' })).toThrow(ConfigError);
    expect(() => loadCartConfig({ GUEST_CART_TTL_SECONDS: '1.5' })).toThrow(/GUEST_CART_TTL_SECONDS/);
    expect(() => loadCartConfig({ ABANDONED_CART_IDLE_HOURS: '721' })).toThrow(/ABANDONED_CART_IDLE_HOURS/);
    expect(() => loadCartConfig({ ABANDONED_CART_IDLE_HOURS: '0' })).toThrow(/ABANDONED_CART_IDLE_HOURS/);
  });
});
