import { loadJobsSettings } from '../src/jobs/config';
import { loadNotificationsSettings } from '../src/notifications/config';
import { loadSyncSettings } from '../src/sync/sync-settings';

// A Function App setting that exists with an empty value (a Bicep parameter left blank) is "not set": before, zod
// read it as an invalid URL, and a host whose settings fail to load indexes no function at all.
describe('Function App settings left empty', () => {
  const services = { CATALOG_INTERNAL_URL: 'http://catalog.internal', CART_INTERNAL_URL: 'http://cart.internal', ORDER_INTERNAL_URL: 'http://order.internal' };

  it('when an optional URL setting is empty, then it counts as absent and the settings load', () => {
    const jobs = loadJobsSettings({ ...services, REPORTS_BLOB_ACCOUNT_URL: '', REPORTS_BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true', APP_API_TOKEN: '' });
    expect(jobs.REPORTS_BLOB_ACCOUNT_URL).toBeUndefined();
    expect(jobs.APP_API_TOKEN).toBeUndefined();
    expect(loadSyncSettings({ AUTH_JWKS_URL: '', SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: ' ' }).AUTH_JWKS_URL).toBeUndefined();
    const notifications = loadNotificationsSettings({ AUTH_INTERNAL_URL: 'http://auth.internal', SHOP_PUBLIC_URL: 'https://shop.example.com', NOTIFICATION_CLAIMS_STORE: 'memory', ACS_EMAIL_ENDPOINT: '' });
    expect(notifications.ACS_EMAIL_ENDPOINT).toBeUndefined();
  });

  it('when a required URL setting is empty, then it is reported as missing, by name, not as a malformed URL', () => {
    expect(() => loadJobsSettings({ ...services, CART_INTERNAL_URL: '' })).toThrow(/expected string, received undefined\s*→ at CART_INTERNAL_URL/);
    expect(() =>
      loadNotificationsSettings({ AUTH_INTERNAL_URL: 'http://auth.internal', SHOP_PUBLIC_URL: 'https://shop.example.com', NOTIFICATION_CLAIMS_STORE: 'memory', EMAIL_TRANSPORT: 'acs', ACS_EMAIL_ENDPOINT: '' }),
    ).toThrow(/ACS_EMAIL_ENDPOINT is required when EMAIL_TRANSPORT is acs/);
  });
});
