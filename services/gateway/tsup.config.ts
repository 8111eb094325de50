import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', main: 'src/main.ts', 'verify-audit': 'src/audit/verify-audit-main.ts', 'development-issuer': 'src/identity/development-issuer.ts' },
  format: ['esm'],
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  // Comes with @graphql-mesh/plugin-prometheus; the gateway must use that copy, not a bundled one.
  external: ['prom-client'],
});
