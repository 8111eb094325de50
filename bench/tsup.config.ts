import { defineConfig } from 'tsup';

// Each source file compiled on its own (no bundle), so the bench's processes start with plain
// `node` instead of a TypeScript loader: under tsx, resolving and compiling every import cost each
// of a run's 18 processes about 2 s more CPU to start. The monolith and apollo-stack's subgraphs,
// which import the kit's internals by path, still start from their sources (`ChildOptions.code`).
export default defineConfig({
  entry: ['src/**/*.ts', '!src/**/*.d.ts'],
  bundle: false,
  format: ['esm'],
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
});
