import { loadNotificationsSettings } from '../../src/notifications/config';
import { notificationClaimsFromSettings } from '../../src/notifications/functions';
import { StateStoreNotificationClaims } from '../../src/notifications/state-store-notification-claims';

const base = { AUTH_INTERNAL_URL: 'http://auth.internal', SHOP_PUBLIC_URL: 'https://shop.example.com' };

describe('notification settings', () => {
  it('when no claims store is configured, then the settings are refused naming the Redis URL (instances must share their claims)', () => {
    expect(() => loadNotificationsSettings(base)).toThrow(/NOTIFICATION_CLAIMS_REDIS_URL[\s\S]*required/);
    expect(() => loadNotificationsSettings({ ...base, NOTIFICATION_CLAIMS_REDIS_URL: 'http://cache:6379' })).toThrow(/NOTIFICATION_CLAIMS_REDIS_URL/);
  });

  it('when a Redis URL is given, then the claims live in Redis with the configured lease and retention', async () => {
    const settings = loadNotificationsSettings({ ...base, NOTIFICATION_CLAIMS_REDIS_URL: 'rediss://cache.example:6380', NOTIFICATION_SENDING_LEASE_SECONDS: '30' });
    expect(settings).toMatchObject({ NOTIFICATION_CLAIMS_STORE: 'redis', NOTIFICATION_SENDING_LEASE_SECONDS: 30, NOTIFICATION_SENT_RETENTION_SECONDS: 604_800 });
    const claims = notificationClaimsFromSettings(settings);
    expect(claims).toBeInstanceOf(StateStoreNotificationClaims);
    await claims.close(); // never connected: connecting is lazy
  });

  it('when one instance asks for in-memory claims, then no Redis URL is needed', async () => {
    const settings = loadNotificationsSettings({ ...base, NOTIFICATION_CLAIMS_STORE: 'memory' });
    const claims = notificationClaimsFromSettings(settings);
    const outcome = await claims.claim({ kind: 'order.confirmed', eventId: 'e-1', recipient: 'a@example.com' });
    expect(outcome.kind).toBe('claimed');
    await claims.close();
  });

  it('when SHOP_PUBLIC_URL is unset, then it is refused outside development and defaults to the gateway\'s local URL in development', () => {
    const { SHOP_PUBLIC_URL: _unset, ...withoutUrl } = { ...base, NOTIFICATION_CLAIMS_STORE: 'memory' };
    // Azure may name no environment at all: that is not development.
    expect(() => loadNotificationsSettings(withoutUrl)).toThrow(/SHOP_PUBLIC_URL[\s\S]*required outside development/);
    expect(() => loadNotificationsSettings({ ...withoutUrl, NODE_ENV: 'production' })).toThrow(/SHOP_PUBLIC_URL/);
    expect(() => loadNotificationsSettings({ ...withoutUrl, AZURE_FUNCTIONS_ENVIRONMENT: 'Production' })).toThrow(/SHOP_PUBLIC_URL/);
    expect(loadNotificationsSettings({ ...withoutUrl, AZURE_FUNCTIONS_ENVIRONMENT: 'Development' }).SHOP_PUBLIC_URL).toBe('http://localhost:8080');
    expect(loadNotificationsSettings({ ...withoutUrl, NODE_ENV: 'development' }).SHOP_PUBLIC_URL).toBe('http://localhost:8080');
    expect(loadNotificationsSettings({ ...withoutUrl, SHOP_PUBLIC_URL: 'https://shop.example.com/' }).SHOP_PUBLIC_URL).toBe('https://shop.example.com');
    expect(() => loadNotificationsSettings({ ...withoutUrl, SHOP_PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/SHOP_PUBLIC_URL/);
  });
});
