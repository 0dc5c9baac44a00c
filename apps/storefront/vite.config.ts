import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built into dist/: index.html plus content-hashed files under assets/, which is what lets the gateway (and Front
// Door) cache assets for a year and always revalidate index.html.
export default defineConfig({
  plugins: [react()],
  resolve: {
    // The contracts' ES module sources (zod schemas and types), not the package's CommonJS build: the app does not
    // wait for the services' build, and the bundler keeps only what the pages use.
    alias: { '@shop/contracts': fileURLToPath(new URL('../../packages/contracts/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    target: 'es2022',
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        // zod, the contracts' schemas and the app's reader of their refusals: one chunk, named for what it is, loaded
        // only by the pages that check input with the services' own schemas (checkout, registration, the back
        // office). The bundle test keeps it off the first page.
        codeSplitting: {
          groups: [{ name: 'contracts', test: /[\\/](packages[\\/]contracts[\\/]|node_modules[\\/]zod[\\/]|src[\\/]lib[\\/]schema-issues\.ts$)/ }],
        },
      },
    },
  },
  server: {
    // `npm run dev -w @shop/storefront` next to `npm start`: the API stays on the gateway.
    proxy: { '/api': 'http://localhost:8080' },
  },
});
