import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Unit tests of data shaping and components (rendered to static markup): no browser, no DOM needed.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  test: { environment: 'node', include: ['src/**/*.spec.ts', 'src/**/*.spec.tsx'] },
});
