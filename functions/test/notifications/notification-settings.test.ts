import { loadNotificationsSettings } from '../../src/notifications/config';
import { notificationClaimsFromSettings } from '../../src/notifications/functions';
import { StateStoreNotificationClaims } from '../../src/notifications/state-store-notification-claims';

const base = { AUTH_INTERNAL_URL: 'http://auth.internal' };

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
});
