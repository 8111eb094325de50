import { defineConfig } from 'tsup';

// Entry keys must match the keys of `exports` in package.json (checked by test/package-exports.test.ts).
export const entry = {
  index: 'src/index.ts',
} as const;

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  treeshake: true,
  splitting: true,
  target: 'es2022',
  platform: 'neutral',
});
