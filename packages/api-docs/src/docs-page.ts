import { dirname, join } from 'node:path';

/**
 * The folder of the docs page: index.html and the script that starts Swagger UI on the document (a file of its own,
 * because the page's Content-Security-Policy allows scripts from this origin only, never inline ones). Beside src/
 * and dist/, so the same path works from sources (tests) and from the build.
 */
const pageDir = join(__dirname, '..', 'static');

/** swagger-ui-dist's folder, whose built files the page loads. */
const swaggerUiDir = dirname(require.resolve('swagger-ui-dist/package.json'));

/** The docs page (Swagger UI on the document), served at ApiDocsPaths.page. */
export const apiDocsPageFile = join(pageDir, 'index.html');

/**
 * The files the page loads, by the name it loads them by (under ApiDocsPaths.page): its start script, and the few
 * built files of swagger-ui-dist it needs (not the package's own demo page and initializer).
 */
export const apiDocsPageAssets: ReadonlyMap<string, string> = new Map([
  ['swagger-initializer.js', join(pageDir, 'swagger-initializer.js')],
  ...['swagger-ui.css', 'swagger-ui-bundle.js', 'index.css', 'favicon-32x32.png', 'favicon-16x16.png'].map((name): [string, string] => [name, join(swaggerUiDir, name)]),
]);
