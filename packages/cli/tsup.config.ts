import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
const define = { __ANTQ_CLI_VERSION__: JSON.stringify(version) };

// Entry keys of the library build must match the keys of `exports` in package.json; the bin is ESM only.
export default defineConfig([
  { entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'], dts: true, clean: true, sourcemap: true, target: 'node20', platform: 'node', define },
  { entry: { bin: 'src/bin.ts' }, format: ['esm'], sourcemap: true, target: 'node20', platform: 'node', define },
]);
