import { parseServiceUrls } from '@shop/service-runtime';

describe('SERVICE_URLS', () => {
  it('when each app has one URL, then each maps to that one URL', () => {
    expect(parseServiceUrls('auth=http://127.0.0.1:3001, catalog=http://127.0.0.1:3002')).toEqual({ auth: ['http://127.0.0.1:3001'], catalog: ['http://127.0.0.1:3002'] });
    expect(parseServiceUrls('')).toEqual({});
    // An app id that is also a property of every object is still just an app id.
    expect(parseServiceUrls('constructor=http://127.0.0.1:3009')).toEqual({ constructor: ['http://127.0.0.1:3009'] });
  });

  it('when an app lists its replicas separated by |, then it maps to all of them in that order', () => {
    expect(parseServiceUrls('auth=http://127.0.0.1:3001,catalog=http://127.0.0.1:3002 | http://127.0.0.1:3012|https://catalog-3.internal')).toEqual({
      auth: ['http://127.0.0.1:3001'],
      catalog: ['http://127.0.0.1:3002', 'http://127.0.0.1:3012', 'https://catalog-3.internal'],
    });
  });

  it('when a list has an empty URL, then it is refused, naming the entry', () => {
    for (const value of ['catalog=http://127.0.0.1:3002|', 'catalog=|http://127.0.0.1:3002', 'catalog=http://127.0.0.1:3002||http://127.0.0.1:3012', 'catalog=']) {
      expect(() => parseServiceUrls(value)).toThrow(`SERVICE_URLS entry "${value}" has an empty URL`);
    }
  });

  it('when an entry is not appId=url, names an app twice or holds something other than an http URL, then it is refused', () => {
    expect(() => parseServiceUrls('http://127.0.0.1:3002')).toThrow('SERVICE_URLS entry "http://127.0.0.1:3002" is not appId=url');
    expect(() => parseServiceUrls('=http://127.0.0.1:3002')).toThrow('is not appId=url');
    expect(() => parseServiceUrls('catalog=http://127.0.0.1:3002,catalog=http://127.0.0.1:3012')).toThrow('SERVICE_URLS names "catalog" twice; list its replicas in one entry, catalog=url|url');
    expect(() => parseServiceUrls('catalog=127.0.0.1:3002')).toThrow('"127.0.0.1:3002" is not an http:// or https:// URL');
  });
});
