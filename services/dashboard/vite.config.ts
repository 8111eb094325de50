import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset paths: the build works under /dashboard/ on the gateway and under any folder of any web server.
  base: './',
  // The sibling packages (@antq/client, @antq/sdk) from their source, as the tests and tsc read them: the
  // dashboard's build needs no build of theirs first (and @antq/embedded, which serves this build, is
  // a dev dependency of @antq/client: through its build the task graph would be a cycle).
  resolve: { conditions: ['@antq/source', 'browser', 'module', 'import', 'default'] },
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
