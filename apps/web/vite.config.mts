import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// The orchestrator serves the build at /ui (apps/orchestrator/src/web/web-app.ts); `vite` alone
// (dev server) forwards the API to a local orchestrator on port 3000.
export default defineConfig({
  root: here,
  base: '/ui/',
  plugins: [react()],
  build: { outDir: `${here}../../dist/apps/web`, emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: Object.fromEntries(
      [
        '/session',
        '/segmentations',
        '/runs',
        '/comparisons',
        '/customers',
        '/retrains',
        '/datasets',
        '/plugins',
        '/health',
        '/events',
      ].map((p) => [p, 'http://127.0.0.1:3000']),
    ),
  },
});
