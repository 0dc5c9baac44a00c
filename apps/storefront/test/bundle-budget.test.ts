import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The JavaScript a shopper downloads for the first page, gzipped: the budget the issue sets. */
const firstPageBudgetBytes = 150 * 1024;
const dist = join(__dirname, '..', 'dist');
const built = existsSync(join(dist, 'index.html'));

/** Files index.html loads before the first render: the entry script and what it preloads. */
function firstPageScripts(html: string): string[] {
  const sources = [...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((match) => match[1]);
  return [...new Set(sources)];
}

const gzippedSize = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

(built ? describe : describe.skip)(built ? 'web app bundle' : 'web app bundle [skipped: apps/storefront/dist is not built; npm test builds it first]', () => {
  const html = built ? readFileSync(join(dist, 'index.html'), 'utf8') : '';

  it('when the first page loads, then its JavaScript stays under 150 KB gzipped', () => {
    const scripts = firstPageScripts(html);
    expect(scripts.length).toBeGreaterThan(0);
    const total = scripts.reduce((sum, src) => sum + gzippedSize(src), 0);
    process.stdout.write(`first page JS: ${(total / 1024).toFixed(1)} KB gzipped in ${scripts.length} file(s)\n`);
    expect(total).toBeLessThan(firstPageBudgetBytes);
  });

  it('when a shopper opens the shop, then the back office and its chart library are not part of the download', () => {
    const firstPage = firstPageScripts(html).map((src) => readFileSync(join(dist, src), 'utf8')).join('\n');
    expect(firstPage).not.toContain('uPlot');
    expect(firstPage).not.toContain('Someone else changed this product');
    // ...but they were built, as chunks of their own.
    const chunks = readdirSync(join(dist, 'assets')).filter((file) => file.endsWith('.js'));
    expect(chunks.some((file) => readFileSync(join(dist, 'assets', file), 'utf8').includes('Someone else changed this product'))).toBe(true);
  });

  it('when a shopper opens the shop, then zod and the contracts\' schemas are not part of the download; the forms that use them load them', () => {
    const firstPage = firstPageScripts(html).map((src) => readFileSync(join(dist, src), 'utf8')).join('\n');
    // The pages use the wire types, which erase; a value import on the first page would bring every schema along.
    // `OrderShippingAddress` is the meta id of the order API's address schema: it exists only in the schemas' code.
    expect(firstPage).not.toContain('OrderShippingAddress');
    const chunks = readdirSync(join(dist, 'assets')).filter((file) => file.endsWith('.js'));
    const schemaChunks = chunks.filter((file) => readFileSync(join(dist, 'assets', file), 'utf8').includes('OrderShippingAddress'));
    expect(schemaChunks).toEqual([expect.stringMatching(/^contracts-/)]);
    // Checkout and registration import that one chunk.
    for (const page of ['checkout-page', 'register-page']) {
      const pageChunk = chunks.find((file) => file.startsWith(`${page}-`));
      expect(pageChunk && readFileSync(join(dist, 'assets', pageChunk), 'utf8')).toContain(schemaChunks[0]);
    }
  });

  it('when a shopper opens the shop, then the account pages (and their messages in every language) are chunks of their own', () => {
    const firstPage = firstPageScripts(html).map((src) => readFileSync(join(dist, src), 'utf8')).join('\n');
    const chunks = readdirSync(join(dist, 'assets')).filter((file) => file.endsWith('.js'));
    const read = (file: string) => readFileSync(join(dist, 'assets', file), 'utf8');
    for (const [page, text] of [
      ['forgot-password-page', 'we have sent a link to reset its password'],
      ['reset-password-page', 'Your password has been changed'],
      ['verify-email-page', 'The confirmation link is invalid or has expired'],
      ['account-page', 'Sign out everywhere'],
      ['account-page', 'Überall abmelden'],
      ['sign-in-page', 'パスワードをお忘れですか'],
    ]) {
      expect(firstPage).not.toContain(text);
      // The page's chunk holds the text or imports the chunk that does (the account messages, shared by the pages).
      const pageChunk = chunks.find((file) => file.startsWith(`${page}-`));
      const textChunk = chunks.find((file) => read(file).includes(text));
      expect(textChunk).toBeDefined();
      expect(pageChunk === textChunk || (pageChunk !== undefined && read(pageChunk).includes(textChunk!))).toBe(true);
    }
  });

  it('when files are built, then every asset name carries a content hash (the year-long cache depends on it)', () => {
    for (const file of readdirSync(join(dist, 'assets'))) expect(file).toMatch(/-[A-Za-z0-9_-]{8,}\.(js|css|map|svg|png|woff2?)(\.map)?$/);
  });
});
