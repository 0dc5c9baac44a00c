import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built into dist/: index.html plus content-hashed files under assets/, which is what lets the gateway (and Front
// Door) cache assets for a year and always revalidate index.html.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev -w @shop/storefront` next to `npm start`: the API stays on the gateway.
    proxy: { '/api': 'http://localhost:8080' },
  },
});
