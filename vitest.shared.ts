import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 has no `exports` map: Node loads its CommonJS build (`main`), Vite would pick the
// ESM build (`module`). Mercurius and @apollo/subgraph require the CommonJS one, so without this
// alias a test process holds two graphql-js copies ("Cannot use GraphQLSchema from another
// module or realm", GraphQLErrors that fail `instanceof`). This pins tests to what Node does.
const require = createRequire(import.meta.url);

/** Every workspace reads sibling packages from source through the `@antq/source` export condition. */
export const sharedConfig = defineConfig({
  resolve: {
    conditions: ['@antq/source'],
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  ssr: { resolve: { conditions: ['@antq/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', '*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
