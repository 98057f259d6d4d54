import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Served by the gateway at /dashboard/ (services/gateway/src/dashboard/dashboard-routes.ts).
export default defineConfig({
  base: '/dashboard/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The gateway's CSP has no 'unsafe-inline': no inlined module preload polyfill.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
