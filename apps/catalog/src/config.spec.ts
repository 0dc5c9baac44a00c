import { loadCatalogConfig } from './config';

describe('catalog media settings', () => {
  it('when nothing is set, then media goes to a folder under .data', () => {
    expect(loadCatalogConfig({})).toMatchObject({ MEDIA_STORE: 'filesystem', MEDIA_DIRECTORY: '.data/media', MEDIA_BLOB_CONTAINER: 'media' });
  });

  it('when nothing is set, then unreferenced media is swept hourly after a day of grace; 0 turns the sweep off and a negative value is refused', () => {
    expect(loadCatalogConfig({})).toMatchObject({ MEDIA_SWEEP_INTERVAL_MS: 3_600_000, MEDIA_ORPHAN_GRACE_SECONDS: 86_400 });
    expect(loadCatalogConfig({ MEDIA_SWEEP_INTERVAL_MS: '0', MEDIA_ORPHAN_GRACE_SECONDS: '3600' })).toMatchObject({ MEDIA_SWEEP_INTERVAL_MS: 0, MEDIA_ORPHAN_GRACE_SECONDS: 3600 });
    expect(() => loadCatalogConfig({ MEDIA_ORPHAN_GRACE_SECONDS: '-1' })).toThrow(/MEDIA_ORPHAN_GRACE_SECONDS/);
  });

  it('when MEDIA_STORE=blob names no account and no connection string, then the start is refused naming the setting', () => {
    expect(() => loadCatalogConfig({ MEDIA_STORE: 'blob' })).toThrow(/MEDIA_BLOB_ACCOUNT_URL/);
    expect(loadCatalogConfig({ MEDIA_STORE: 'blob', MEDIA_BLOB_ACCOUNT_URL: 'https://shop.blob.core.windows.net' })).toMatchObject({ MEDIA_STORE: 'blob' });
  });

  it('when production is given a connection string, then it is refused, and its value is never shown', () => {
    const secret = 'DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=c2VjcmV0;';
    let message = '';
    try {
      loadCatalogConfig({ NODE_ENV: 'production', MEDIA_STORE: 'blob', MEDIA_BLOB_CONNECTION_STRING: secret });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/MEDIA_BLOB_CONNECTION_STRING: must not be set when NODE_ENV=production/);
    expect(message).not.toContain('c2VjcmV0');
  });

  it('when the container name is not a blob container name, then it is refused', () => {
    expect(() => loadCatalogConfig({ MEDIA_BLOB_CONTAINER: 'Media_Images' })).toThrow(/MEDIA_BLOB_CONTAINER/);
  });

  it('when MEDIA_PUBLIC_BASE_URL is an origin, then it is taken; a relative path, another scheme or a query string is refused', () => {
    expect(loadCatalogConfig({ MEDIA_PUBLIC_BASE_URL: 'https://shop.example.com' }).MEDIA_PUBLIC_BASE_URL).toBe('https://shop.example.com');
    for (const value of ['/media', 'ftp://shop.example.com', 'https://shop.example.com/?x=1']) expect(() => loadCatalogConfig({ MEDIA_PUBLIC_BASE_URL: value })).toThrow(/MEDIA_PUBLIC_BASE_URL/);
  });

  it('when PRODUCT_LANGUAGES names languages, then the first is the base and the others are translated; a repeat or a bad code is refused', () => {
    expect(loadCatalogConfig({}).PRODUCT_LANGUAGES).toEqual({ base: 'en', translated: ['de', 'ja'] });
    expect(loadCatalogConfig({ PRODUCT_LANGUAGES: 'de, fr' }).PRODUCT_LANGUAGES).toEqual({ base: 'de', translated: ['fr'] });
    for (const value of ['en,de,en', 'en,de-AT', ' , ']) expect(() => loadCatalogConfig({ PRODUCT_LANGUAGES: value })).toThrow(/PRODUCT_LANGUAGES/);
  });
});
