import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset paths: the build works under /dashboard/ on the gateway and under any folder of any web server.
  base: './',
  // Preact's automatic JSX runtime (no preset needed; tsconfig says the same to tsc).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    target: 'es2022',
    // Numbers for the README's performance section come from scripts/measure.ts in a real browser.
    reportCompressedSize: true,
  },
  server: { port: 4810, proxy: { '/graphql': { target: 'http://127.0.0.1:4800', ws: true } } },
});
