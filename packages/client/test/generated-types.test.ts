import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderIntrospection } from '../scripts/generate-introspection.js';

describe('the generated schema types', () => {
  it('are those of schema/supergraph.graphql (run `npm run generate -w @antq/client` when this fails)', async () => {
    const checkedIn = await readFile(new URL('../src/graphql-env.d.ts', import.meta.url), 'utf8');
    expect(checkedIn === (await renderIntrospection())).toBe(true);
  });
});
