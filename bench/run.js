// `npm run bench`: catalog reads beside an empty Express 5 route and a bare node:http handler serving the same
// bytes, measured in one run on this machine. Ratios are what to compare; absolute numbers vary by machine.
const { writeFileSync, mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { load, printTable, settings, startTarget } = require('./lib');

async function main() {
  const catalog = await startTarget(join(__dirname, 'targets/catalog.js'));
  const [, , productPath, searchPath] = /READY (\S+) (\S+) (\S+)/.exec(catalog.extra);
  const productUrl = `${catalog.url}${productPath}`;
  const productBody = Buffer.from(await (await fetch(productUrl)).arrayBuffer());
  const bodyFile = join(mkdtempSync(join(tmpdir(), 'bench-')), 'product.json');
  writeFileSync(bodyFile, productBody);
  process.stdout.write(`catalog database: ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}; product body: ${productBody.length} bytes; search: ${searchPath}\n`);

  const rows = [];
  for (const [name, script] of [
    ['node:http handler', 'targets/node-http.js'],
    ['empty Express 5 route', 'targets/express-empty.js'],
    ['empty route, platform stack', 'targets/platform-empty.js'],
  ]) {
    const target = await startTarget(join(__dirname, script), { BENCH_BODY_FILE: bodyFile });
    rows.push({ name, ...(await load(target.url)) });
    await target.stop();
  }
  rows.push({ name: 'catalog GET product (cache hit)', ...(await load(productUrl)) });
  // The same product in another market (its derived yen price from the price list) and in the default market named in
  // the URL: the market lookup and the price list must not slow the read.
  rows.push({ name: 'catalog GET product ?market=jp', ...(await load(`${productUrl}?market=jp`)) });
  rows.push({ name: 'catalog GET product ?market=eu', ...(await load(`${productUrl}?market=eu`)) });
  // Market and language in the URL (what the storefront sends, edge-cacheable): the base texts, then the Japanese ones
  // (another representation of the same cache entry). The language lookup must not slow the read either.
  rows.push({ name: 'catalog GET product ?market=eu&lang=en', ...(await load(`${productUrl}?market=eu&lang=en`)) });
  rows.push({ name: 'catalog GET product ?market=jp&lang=ja', ...(await load(`${productUrl}?market=jp&lang=ja`)) });
  rows.push({ name: 'catalog search (q, 20 items)', ...(await load(`${catalog.url}${searchPath}`)) });
  rows.push({ name: 'catalog search, jp, by price', ...(await load(`${catalog.url}${searchPath}&market=jp&sort=price`)) });
  // A German word, stemmed by the German configuration over the translations, or-ed with the base texts.
  rows.push({ name: 'catalog search in German (q=kopfhörer)', ...(await load(`${catalog.url}/api/catalog/products?q=kopfh%C3%B6rer&limit=20&market=eu&lang=de`)) });
  await catalog.stop();

  printTable('Catalog reads', rows, 'empty Express 5 route');
  const [, express, platform, product] = rows;
  const verdict = (ratio) => (ratio >= 0.8 && product.p99 < 25 ? 'met' : 'NOT met');
  const vsExpress = product.requestsPerSecond / express.requestsPerSecond;
  const vsPlatform = product.requestsPerSecond / platform.requestsPerSecond;
  process.stdout.write(
    `\nTarget: product read >= 0.8x the empty route's req/s with p99 < 25 ms at ${settings.connections} connections (p99 ${product.p99.toFixed(1)} ms):\n` +
      `  against the bare Express 5 route:        ${vsExpress.toFixed(2)}x -> ${verdict(vsExpress)}\n` +
      `  against an empty route on the platform: ${vsPlatform.toFixed(2)}x -> ${verdict(vsPlatform)}\n`,
  );
}

main()
  .then(() => require('./checkout').main())
  .catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
