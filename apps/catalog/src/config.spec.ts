import { loadCatalogConfig } from './config';

describe('catalog media settings', () => {
  it('when nothing is set, then media goes to a folder under .data', () => {
    expect(loadCatalogConfig({})).toMatchObject({ MEDIA_STORE: 'filesystem', MEDIA_DIRECTORY: '.data/media', MEDIA_BLOB_CONTAINER: 'media' });
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
});
