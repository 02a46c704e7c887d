// Build of the SPA (index.html); the light public page has its own build (vite.public.config.ts).
// Vitest runs every test, the public page's included, from here.
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

const backend = process.env.FORMLOOM_BACKEND ?? 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: { index: resolve(import.meta.dirname, 'index.html') },
    },
  },
  server: {
    proxy: {
      '/api': backend,
      '/healthz': backend,
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    // The differential check needs vectors written by the Python engine
    // (tests/unit/rule_engine/test_ts_differential.py runs it with RULE_DIFF_FILE set).
    exclude: ['node_modules/**', ...(process.env.RULE_DIFF_FILE ? [] : ['src/rules/diff.test.ts'])],
    setupFiles: ['src/test/setup.ts'],
    // jsdom renders of antd forms take seconds on a busy 2-core CI machine; 5 s flakes.
    testTimeout: 30000,
  },
});
